"""Staff pages of inspection tasks and the draw ceremony."""

from django.urls import path

from spotcheck.draws import views, views_merging, views_rules

app_name = "draws"
urlpatterns = [
    path("", views.task_list_view, name="list"),
    path("new/", views.task_create_view, name="create"),
    path("verify_draw.py", views.verifier_download_view, name="verifier"),
    path("merges/", views_merging.merge_list_view, name="merges"),
    path("merges/confirm/", views_merging.joint_visit_confirm_view, name="merge_confirm"),
    path("merges/decline/", views_merging.merge_decline_view, name="merge_decline"),
    path("merges/<int:pk>/dissolve/", views_merging.joint_visit_dissolve_view, name="merge_dissolve"),
    path("<int:pk>/", views.task_detail_view, name="detail"),
    path("<int:pk>/freeze/", views.task_freeze_view, name="freeze"),
    path("<int:pk>/announce/", views.task_announce_view, name="announce"),
    path("<int:pk>/witnesses/", views.task_witnesses_view, name="witnesses"),
    path("<int:pk>/witnesses/add/", views.witness_add_view, name="witness_add"),
    path("<int:pk>/draw/", views.task_draw_view, name="draw"),
    path("<int:pk>/job/", views.task_job_view, name="job"),
    path("rules/", views_rules.frequency_rule_view, name="frequency_rule"),
    path("<int:pk>/cancel/", views.task_cancel_view, name="cancel"),
    path("<int:pk>/publish-list/", views.task_publish_list_view, name="publish_list"),
    path("<int:pk>/record.json", views.task_record_view, name="record"),
]
