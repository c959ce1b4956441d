"""The house rules that keep the code's layout readable (issue 10): imports run one way, the
draw protocol and the shared helpers stay at the bottom, and membership queries stay in
accounts. A change that breaks one fails here, naming the file."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SPOTCHECK = Path(__file__).resolve().parent.parent / "spotcheck"

# Bottom first. An app may import its own layer's modules and those of the layers below;
# apps on one layer import neither each other nor anything above.
LAYERS: list[tuple[str, ...]] = [
    ("core", "drawspec"),
    ("audit",),
    ("accounts",),
    ("notices",),  # i13-deadlines: any app may tell a user something
    ("workdays",),
    ("directory",),
    ("inspectors",),
    ("catalog",),
    ("planning",),
    ("draws",),
    ("inspections",),
    ("evidence",),  # i13-evidence
    ("results",),
    ("publication",),  # issue 14 (pub14): the public record of results; the deadlines read it
    ("deadlines",),  # i13-deadlines: the dashboard, reminders and completion read results
    ("followups",),  # i13-followups
    ("imports",),
    ("replies",),  # voice14 (issue 14, item 4): replies to published results, answers to complaints
    ("portal",),
    ("bulkdata",),  # bulk14: open-data bulk files and feeds, read through the portal's selectors
    ("opendata",),  # open14: the open data API reads through the portal's selectors
    ("web",),
    ("demo",),
]
LAYER_OF = {app: n for n, apps in enumerate(LAYERS) for app in apps}
PROJECT_MODULES = {"settings", "urls", "wsgi", "asgi", "env", "__init__"}  # the project itself: on top


def _modules() -> list[Path]:
    return sorted(p for p in SPOTCHECK.rglob("*.py") if "migrations" not in p.parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported module, line) of every import in the file, at any depth (a lazy import inside
    a function is still a dependency)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return found


def _app_of(path: Path) -> str:
    relative = path.relative_to(SPOTCHECK)
    return relative.parts[0] if len(relative.parts) > 1 else "<project>"


def test_every_app_has_a_layer():
    apps = {p.name for p in SPOTCHECK.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps - {"locale", "templates"} == set(LAYER_OF), "add the new app to LAYERS"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SPOTCHECK)))
def test_imports_run_one_way(path):
    app = _app_of(path)
    if app == "<project>":
        return
    wrong = []
    for module, line in _imports(path):
        parts = module.split(".")
        if parts[0] != "spotcheck" or len(parts) < 2 or parts[1] in PROJECT_MODULES or parts[1] == app:
            continue
        target = parts[1]
        if LAYER_OF[target] >= LAYER_OF[app]:
            wrong.append(f"line {line}: {module} ({target} is not below {app})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("app", ["core", "drawspec"])
def test_the_bottom_imports_nothing_of_the_project(app):
    for path in (SPOTCHECK / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for module, line in _imports(path):
            assert not module.startswith("spotcheck.") or module.startswith(f"spotcheck.{app}"), (
                f"{path.name}:{line} imports {module}"
            )


def test_the_draw_protocol_runs_without_django():
    # The engine and the verifier are shipped to readers who have only Python.
    for name in ("engine.py", "verify_draw.py"):
        modules = {m.split(".")[0] for m, _ in _imports(SPOTCHECK / "drawspec" / name)}
        assert not modules & {"django", "spotcheck", "rest_framework"}, name


def test_membership_queries_stay_in_accounts():
    outside = []
    for path in _modules():
        if _app_of(path) == "accounts" or path.relative_to(SPOTCHECK).as_posix() == "demo/people.py":
            continue  # the demo generator writes its accounts
        text = path.read_text(encoding="utf-8")
        if "Membership.objects" in text:
            outside.append(str(path.relative_to(SPOTCHECK)))
    assert not outside, outside
