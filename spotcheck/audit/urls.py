from django.urls import path

from spotcheck.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("<int:seq>/", views.entry_detail, name="detail"),
    path("verify/", views.verify_chain, name="verify"),
]
