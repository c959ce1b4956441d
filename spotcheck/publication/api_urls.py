from django.urls import path

from spotcheck.publication.api import ExchangeView

urlpatterns = [path("publication/exchange/", ExchangeView.as_view(), name="publication-exchange")]
