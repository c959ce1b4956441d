"""Staff pages of carrying out drawn visits: today the merge page (合并检查)."""

from django.urls import path

from spotcheck.inspections import views, views_approval, views_on_site, views_print, views_visits

app_name = "inspections"
urlpatterns = [
    path("merges/", views.merge_list_view, name="merges"),
    path("merges/decide/", views.merge_decide_view, name="merge_decide"),
    path("merges/confirm/", views.merge_confirm_view, name="merge_confirm"),
    path("merges/decline/", views.merge_decline_view, name="merge_decline"),
    path("merges/<int:pk>/dissolve/", views.merged_visit_dissolve_view, name="merged_visit_dissolve"),
    # 审批 (issue 13, item 2)
    path("approvals/", views_approval.approval_todo_view, name="approval_todo"),
    path("tasks/<int:task_pk>/approval/", views_approval.approval_view, name="approval"),
    path("tasks/<int:task_pk>/approval/approve/", views_approval.approve_view, name="approval_approve"),
    path("tasks/<int:task_pk>/approval/withdraw/", views_approval.withdraw_view, name="approval_withdraw"),
    path("tasks/<int:task_pk>/approval/print/", views_approval.approval_print_view, name="approval_print"),
    path("visits/<int:visit_pk>/emergency-start/", views_approval.emergency_start_view, name="emergency_start"),
]

# 我的检查 and the visit page (issue 13, item 1).
urlpatterns += [
    path("mine/", views_visits.my_visits_view, name="my_visits"),
    path("visits/<int:pk>/", views_visits.visit_detail_view, name="visit_detail"),
]

# 到场登记, 企业评价/投诉, print views (issue 13, items 3 and 4; i13-code).
urlpatterns += [
    path("visits/<int:pk>/check-in/", views_on_site.check_in_view, name="check_in"),
    path("visits/<int:pk>/print/checklist/", views_print.checklist_print_view, name="print_checklist"),
    path("visits/<int:pk>/print/record/", views_print.record_print_view, name="print_record"),
    path("feedback/", views_on_site.feedback_list_view, name="feedback"),
]
