"""Staff pages of inspection tasks and the draw ceremony."""

from django.urls import path
from django.views.generic import RedirectView

from spotcheck.draws import views, views_onsite, views_rules

app_name = "draws"
urlpatterns = [
    path("", views.task_list_view, name="list"),
    path("new/", views.task_create_view, name="create"),
    path("verify_draw.py", views.verifier_download_view, name="verifier"),
    # The merge page moved to the inspections app; old links and bookmarks still arrive.
    path("merges/", RedirectView.as_view(pattern_name="inspections:merges", permanent=True, query_string=True)),
    path("<int:pk>/", views.task_detail_view, name="detail"),
    path("<int:pk>/freeze/", views.task_freeze_view, name="freeze"),
    path("<int:pk>/edit/", views.task_edit_view, name="edit"),
    path("<int:pk>/unfreeze/", views.task_unfreeze_view, name="unfreeze"),
    path("<int:pk>/announce/", views.task_announce_view, name="announce"),
    path("<int:pk>/witnesses/", views.task_witnesses_view, name="witnesses"),
    path("<int:pk>/witnesses/add/", views.witness_add_view, name="witness_add"),
    path("<int:pk>/draw/", views.task_draw_view, name="draw"),
    path("<int:pk>/job/", views.task_job_view, name="job"),
    path("rules/", views_rules.frequency_rule_view, name="frequency_rule"),
    path("<int:pk>/cancel/", views.task_cancel_view, name="cancel"),
    path("<int:pk>/redraw/approve/", views.task_redraw_approve_view, name="redraw_approve"),
    path("<int:pk>/redraw/refuse/", views.task_redraw_refuse_view, name="redraw_refuse"),
    path("<int:pk>/publish-list/", views.task_publish_list_view, name="publish_list"),
    path("<int:pk>/record.json", views.task_record_view, name="record"),
    # 无事不扰 per body: the on-site cap (i13-onsite, issue 13 item 11)
    path("rules/onsite/<int:department_id>/", views_onsite.onsite_cap_view, name="onsite_cap"),
    path("rules/onsite/inspections/", views_onsite.onsite_list_view, name="onsite_list"),
    path("rules/over-cap/", views_onsite.onsite_list_view, {"over_cap_only": True}, name="onsite_over_cap"),
    path("rules/onsite/inspections/<int:pk>/withdraw/", views_onsite.onsite_withdraw_view, name="onsite_withdraw"),
    path("rules/onsite/inspections/<int:pk>/review/", views_onsite.onsite_review_view, name="onsite_review"),
]
