from rest_framework.routers import SimpleRouter

from spotcheck.catalog.api import ItemViewSet

router = SimpleRouter()
router.register("items", ItemViewSet, basename="items")

urlpatterns = router.urls
