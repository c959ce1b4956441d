from rest_framework.routers import SimpleRouter

from spotcheck.planning.api import PlanEntryViewSet, PlanStratumViewSet, PlanViewSet

router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plans")
router.register("plan-entries", PlanEntryViewSet, basename="plan-entries")
router.register("plan-strata", PlanStratumViewSet, basename="plan-strata")

urlpatterns = router.urls
