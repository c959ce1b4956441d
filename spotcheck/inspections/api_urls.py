from rest_framework.routers import SimpleRouter

from spotcheck.inspections.api import VisitViewSet

router = SimpleRouter()
router.register("visits", VisitViewSet, basename="visits")

urlpatterns = router.urls
