"""证据材料: upload to a visit, withdraw, and the access-checked file."""

from django.urls import path

from spotcheck.evidence import views

app_name = "evidence"
urlpatterns = [
    path("visits/<int:visit_pk>/upload/", views.upload_view, name="upload"),
    path("<int:pk>/withdraw/", views.withdraw_view, name="withdraw"),
    path("<int:pk>/file/", views.file_view, name="file"),
    path("<int:pk>/preview/", views.thumbnail_view, name="thumbnail"),
]
