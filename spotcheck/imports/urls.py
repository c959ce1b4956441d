from django.urls import path

from spotcheck.imports import views, views_visits

app_name = "imports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("upload/", views.job_create, name="create"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("template/<str:kind>/", views.template, name="template"),
    path("export/<str:kind>/", views.export, name="export"),
    path("exports/<int:pk>/", views.export_job_detail, name="export_job"),
    path("exports/<int:pk>/file/", views.export_job_file, name="export_file"),
    path("export/tasks/<int:pk>/visits/", views_visits.task_visits_export_view, name="task_visits_export"),
]
