"""企业说明/异议 and 投诉答复 (staff side; the enterprise uses the portal)."""

from django.urls import path

from spotcheck.replies import views

app_name = "replies"
urlpatterns = [
    path("", views.reply_list_view, name="list"),
    path("<int:pk>/", views.reply_detail_view, name="detail"),
    path("<int:pk>/accept/", views.reply_accept_view, name="accept"),
    path("<int:pk>/reject/", views.reply_reject_view, name="reject"),
    path("complaints/", views.complaint_list_view, name="complaints"),
    path("complaints/<int:pk>/answer/", views.complaint_answer_view, name="complaint_answer"),
]
