"""The open data API (一公开, issue 14 item 6), mounted at /public/api/v1/."""

from django.urls import path

from spotcheck.opendata import views
from spotcheck.opendata.schema import OpenDataDocsView, OpenDataSchemaView

app_name = "opendata"
urlpatterns = [
    path("schema/", OpenDataSchemaView.as_view(), name="schema"),
    path("docs/", OpenDataDocsView.as_view(url_name="opendata:schema"), name="docs"),
    path("codes/", views.CodesView.as_view(), name="codes"),
    path("items/", views.ItemListView.as_view(), name="items"),
    path("items/<str:code>/", views.ItemDetailView.as_view(), name="item"),
    path("plans/", views.PlanListView.as_view(), name="plans"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan"),
    path("tasks/", views.TaskListView.as_view(), name="tasks"),
    path("tasks/<str:code>/", views.TaskDetailView.as_view(), name="task"),
    path("tasks/<str:code>/record/", views.TaskRecordView.as_view(), name="task_record"),
    path("results/", views.ResultListView.as_view(), name="results"),
    path("notices/", views.ResultNoticeListView.as_view(), name="notices"),
    path("enterprises/", views.EnterpriseSearchView.as_view(), name="enterprises"),
    path("enterprises/<str:public_code>/results/", views.EnterpriseResultsView.as_view(), name="enterprise_results"),
]
