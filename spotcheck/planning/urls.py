from django.urls import path

from spotcheck.planning import views

app_name = "planning"

urlpatterns = [
    path("", views.plan_list_view, name="list"),
    path("new/", views.plan_create_view, name="create"),
    path("<int:pk>/", views.plan_detail_view, name="detail"),
    path("<int:pk>/edit/", views.plan_edit_view, name="edit"),
    path("<int:pk>/submit/", views.plan_submit_view, name="submit"),
    path("<int:pk>/approve/", views.plan_approve_view, name="approve"),
    path("<int:pk>/return/", views.plan_return_view, name="return"),
    path("<int:pk>/file/", views.plan_file_view, name="file"),
    path("<int:pk>/publish/", views.plan_publish_view, name="publish"),
    path("<int:pk>/entries/new/", views.entry_create_view, name="entry_create"),
    path("entries/<int:pk>/edit/", views.entry_edit_view, name="entry_edit"),
    path("entries/<int:pk>/remove/", views.entry_remove_view, name="entry_remove"),
    path("entries/<int:pk>/default-strata/", views.entry_default_strata_view, name="entry_default_strata"),
    path("entries/<int:pk>/strata/new/", views.stratum_create_view, name="stratum_create"),
    path("strata/<int:pk>/edit/", views.stratum_edit_view, name="stratum_edit"),
    path("strata/<int:pk>/remove/", views.stratum_remove_view, name="stratum_remove"),
]
