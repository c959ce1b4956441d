from rest_framework.routers import SimpleRouter

from spotcheck.followups.api import FollowUpViewSet

router = SimpleRouter()
router.register("followups", FollowUpViewSet, basename="followups")

urlpatterns = router.urls
