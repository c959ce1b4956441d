"""The public portal (一公开): what anyone may read without logging in."""

from django.urls import include, path

from spotcheck.portal import views, views_check, views_replies, views_search

app_name = "portal"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("plans/", views.plan_list_view, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail_view, name="plan_detail"),
    path("tasks/", views.task_list_view, name="task_list"),
    path("tasks/<str:code>/", views.task_detail_view, name="task_detail"),
    path("tasks/<str:code>/record.json", views.task_record_view, name="task_record"),
    path("verify_draw.py", views.verifier_view, name="verifier"),
    path("audit-anchors/", views.audit_anchor_list_view, name="audit_anchors"),
    path("audit-anchors.jsonl", views.audit_anchor_file_view, name="audit_anchor_file"),
    # 检查码 (扫码入企; issue 13, item 3; i13-code)
    path("check/", views_check.check_code_form_view, name="check_code_form"),
    path("check/<str:code>/", views_check.check_code_view, name="check_code"),
    # 检查结果公告 (issue 14, item 1; pub14)
    path("results/", views.result_notice_list_view, name="result_notice_list"),
    path("results/<int:pk>/", views.result_notice_view, name="result_notice"),
    path("enterprises/<str:public_code>/", views.enterprise_view, name="enterprise"),
    # verify a draw record in the browser (issue 14, item 5; verify14)
    path("verify/", views.verify_view, name="verify"),
    # 企业说明/异议 (issue 14, item 4; voice14)
    path("results/published/<int:pk>/reply/", views_replies.reply_form_view, name="reply"),
    path("replies/status/", views_replies.reply_status_view, name="reply_status"),
    # open data: bulk files, data dictionary, Atom feeds (issue 14, item 6; bulk14). Included by
    # name, not imported: the app sits above the portal and reads through its selectors.
    path("", include("spotcheck.bulkdata.urls")),
    # the search of published results (issue 14, item 3; search14)
    path("search/", views_search.search_view, name="search"),
    # the language switch, a link (load14: one kept copy of a page serves every visitor)
    path("language/<str:code>/", views.language_view, name="language"),
]
