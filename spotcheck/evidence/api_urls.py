from django.urls import re_path

from spotcheck.core.params import ID_PATTERN
from spotcheck.evidence.api import EvidenceViewSet, VisitEvidenceViewSet

urlpatterns = [
    re_path(
        rf"^visits/(?P<visit_pk>{ID_PATTERN})/evidence/$",
        VisitEvidenceViewSet.as_view({"get": "list", "post": "create"}),
        name="visit-evidence",
    ),
    # apiw13: one piece, and its withdrawal.
    re_path(rf"^evidence/(?P<pk>{ID_PATTERN})/$", EvidenceViewSet.as_view({"get": "retrieve"}), name="evidence-detail"),
    re_path(
        rf"^evidence/(?P<pk>{ID_PATTERN})/withdraw/$",
        EvidenceViewSet.as_view({"post": "withdraw"}),
        name="evidence-withdraw",
    ),
]
