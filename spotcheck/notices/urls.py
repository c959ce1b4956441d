from django.urls import path

from spotcheck.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("unread/", views.unread_badge_view, name="unread"),
    path("read-all/", views.notices_read_all_view, name="read_all"),
    path("<str:pk>/open/", views.notice_open_view, name="open"),
]
