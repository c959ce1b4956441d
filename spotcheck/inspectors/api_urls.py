from rest_framework.routers import SimpleRouter

from spotcheck.inspectors.api import InspectorViewSet, RecusalViewSet

router = SimpleRouter()
router.register("inspectors", InspectorViewSet, basename="inspectors")
router.register("inspector-recusals", RecusalViewSet, basename="inspector-recusals")

urlpatterns = router.urls
