"""检查结果公示 (staff side; the public reads the portal)."""

from django.urls import path

from spotcheck.publication import views

app_name = "publication"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("tasks/<int:pk>/", views.task_view, name="task"),
    path("tasks/<int:pk>/publish/", views.publish_view, name="publish"),
    path("results/<int:pk>/correct/", views.correct_view, name="correct"),
    path("published/<int:pk>/withdraw/", views.withdraw_view, name="withdraw"),
]
