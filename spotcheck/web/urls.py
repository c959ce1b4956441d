from django.urls import path

from spotcheck.web import views

app_name = "web"

urlpatterns = [
    # (portal14) The staff workspace (工作台) lives under its own prefix: `/` is the public portal.
    path("work/", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
]
