from django.urls import path

from spotcheck.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.object_list, name="list"),
    path("new/", views.object_create_view, name="create"),
    path("<int:pk>/", views.object_detail, name="detail"),
    path("<int:pk>/edit/", views.object_edit, name="edit"),
    path("<int:pk>/retire/", views.object_retire_view, name="retire"),
    path("<int:pk>/restore/", views.object_restore_view, name="restore"),
    path("<int:pk>/level/", views.object_level, name="level"),
    path("<int:pk>/licences/new/", views.object_licence_add, name="licence_add"),
    path("<int:pk>/licences/<int:licence_pk>/retire/", views.object_licence_retire, name="licence_retire"),
    path("<int:pk>/penalties/new/", views.object_penalty_add, name="penalty_add"),
]
