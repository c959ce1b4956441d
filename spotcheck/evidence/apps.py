from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    """证据材料: photos and PDFs attached to a visit or one of its checklist items, stored by
    content hash, served only through an access-checked view, withdrawn (never deleted)."""

    name = "spotcheck.evidence"
    verbose_name = _("证据材料")

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        # Pillow refuses a decompression bomb above twice this; the checks refuse above it.
        Image.MAX_IMAGE_PIXELS = settings.SPOTCHECK_EVIDENCE_MAX_PIXELS
