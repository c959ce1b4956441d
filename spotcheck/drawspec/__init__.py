"""SC-DRAW-1, the draw protocol of ``shared/DRAW-SPEC.md``, apart from the platform.

``engine.py`` is the draw engine the platform runs (pure Python, no Django, ``mypy --strict``);
``verify_draw.py`` is the one-file public verifier a reader downloads (standard library only),
written separately from the engine so that the two check each other. Nothing here imports the
project: ``planning`` and ``draws`` import this package, never the other way round.
"""
