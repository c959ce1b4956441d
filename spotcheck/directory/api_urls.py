from rest_framework.routers import SimpleRouter

from spotcheck.directory.api import ObjectViewSet

router = SimpleRouter()
router.register("objects", ObjectViewSet, basename="objects")

urlpatterns = router.urls
