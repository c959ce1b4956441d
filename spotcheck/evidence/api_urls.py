from django.urls import re_path

from spotcheck.core.params import ID_PATTERN
from spotcheck.evidence.api import VisitEvidenceViewSet

urlpatterns = [
    re_path(
        rf"^visits/(?P<visit_pk>{ID_PATTERN})/evidence/$",
        VisitEvidenceViewSet.as_view({"get": "list"}),
        name="visit-evidence",
    ),
]
