from django.urls import re_path

from spotcheck.core.params import ID_PATTERN
from spotcheck.results.api import VisitResultViewSet

urlpatterns = [
    re_path(
        rf"^visits/(?P<visit_pk>{ID_PATTERN})/result/$",
        VisitResultViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="visit-result",
    ),
    re_path(
        rf"^visits/(?P<visit_pk>{ID_PATTERN})/result/confirm/$",
        VisitResultViewSet.as_view({"post": "confirm"}),
        name="visit-result-confirm",
    ),
]
