from django.urls import path

from spotcheck.inspectors import views

app_name = "inspectors"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/retire/", views.retire_view, name="retire"),
    path("<int:pk>/restore/", views.restore_view, name="restore"),
    path("<int:pk>/availability/", views.availability_view, name="availability"),
    path("<int:pk>/recusals/new/", views.recusal_create_view, name="recusal_create"),
    path("recusals/", views.recusals_view, name="recusals"),
    path("recusals/<int:pk>/end/", views.recusal_end_view, name="recusal_end"),
]
