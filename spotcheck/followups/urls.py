"""后续处置 (issue 13, item 9)."""

from django.urls import path

from spotcheck.followups import views

app_name = "followups"
urlpatterns = [
    path("", views.followup_list_view, name="list"),
    path("items/<int:pk>/", views.item_view, name="item"),
    path("items/<int:pk>/open/", views.followup_open_view, name="open"),
    path("<int:pk>/close/", views.followup_close_view, name="close"),
    path("<int:pk>/withdraw/", views.followup_withdraw_view, name="withdraw"),
    path("<int:pk>/recheck/", views.recheck_view, name="recheck"),
    path("inbox/", views.inbox_view, name="inbox"),
    path("inbox/<int:pk>/read/", views.notice_read_view, name="notice_read"),
    path("inbox/<int:pk>/handled/", views.notice_handled_view, name="notice_handled"),
    path("visits/<int:visit_pk>/notice/", views.result_notice_view, name="result_notice"),
]
