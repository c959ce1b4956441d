from django.urls import path

from spotcheck.deadlines import views, views_calendar

app_name = "deadlines"

urlpatterns = [
    path("deadlines/", views.dashboard_view, name="dashboard"),
    path("deadlines/<str:board>/", views.board_list_view, name="list"),
    path("workdays/", views_calendar.calendar_view, name="calendar"),
    path("workdays/<str:year>/", views_calendar.calendar_year_view, name="calendar_year"),
]
