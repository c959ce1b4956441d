from django.urls import path

from spotcheck.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.item_list_view, name="list"),
    path("new/", views.item_create_view, name="create"),
    path("filings/", views.filings_view, name="filings"),
    path("scope-count/", views.scope_count_view, name="scope_count"),
    path("<int:pk>/", views.item_detail_view, name="detail"),
    path("<int:pk>/new-version/", views.version_new_view, name="version_new"),
    path("<int:pk>/retire/", views.item_retire_view, name="retire"),
    path("<int:pk>/restore/", views.item_restore_view, name="restore"),
    path("versions/<int:pk>/", views.version_detail_view, name="version_detail"),
    path("versions/<int:pk>/edit/", views.version_edit_view, name="version_edit"),
    path("versions/<int:pk>/compare/", views.version_compare_view, name="version_compare"),
    path("versions/<int:pk>/checklist/", views.version_checklist_view, name="version_checklist"),
    path("versions/<int:pk>/submit/", views.version_submit_view, name="version_submit"),
    path("versions/<int:pk>/accept/", views.version_accept_view, name="version_accept"),
    path("versions/<int:pk>/return/", views.version_return_view, name="version_return"),
]
