from rest_framework.routers import SimpleRouter

from spotcheck.publication.api import ExchangeViewSet

router = SimpleRouter()
router.register("publication/exchange", ExchangeViewSet, basename="publication-exchange")

urlpatterns = router.urls
