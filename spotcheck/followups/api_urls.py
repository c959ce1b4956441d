from rest_framework.routers import SimpleRouter

from spotcheck.followups.api import FollowUpViewSet, ItemResultViewSet, NoticeViewSet

router = SimpleRouter()
router.register("followups", FollowUpViewSet, basename="followups")
router.register("item-results", ItemResultViewSet, basename="item-results")  # apiw13
router.register("notices", NoticeViewSet, basename="notices")  # apiw13

urlpatterns = router.urls
