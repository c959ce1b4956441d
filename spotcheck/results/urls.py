"""检查结果 pages (issue 13, items 5, 7, 8)."""

from django.urls import path

from spotcheck.results import views

app_name = "results"
urlpatterns = [
    path("visits/<int:pk>/", views.result_view, name="visit"),
    path("visits/<int:pk>/edit/", views.result_edit_view, name="edit"),
    path("visits/<int:pk>/draft/", views.result_draft_view, name="draft"),
    path("visits/<int:pk>/confirm/", views.result_confirm_view, name="confirm"),
    path("visits/<int:pk>/revisions/", views.result_revisions_view, name="revisions"),
    path("tasks/<int:task_pk>/", views.task_results_view, name="task"),
    path("tasks/<int:task_pk>/approve/", views.task_results_approve_view, name="task_approve"),
]
