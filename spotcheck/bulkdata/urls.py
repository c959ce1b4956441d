"""Open data of the portal (bulk14), included from spotcheck/portal/urls.py under /public/."""

from django.urls import path
from django.views.decorators.http import require_GET

from spotcheck.bulkdata import feeds, views

app_name = "bulkdata"
urlpatterns = [
    path("data/", views.data_index_view, name="index"),
    path("data/dictionary/", views.dictionary_view, name="dictionary"),
    path("data/manifest.json", views.data_manifest_view, name="manifest"),
    path("data/files/<str:name>", views.data_file_view, name="file"),
    path("feeds/notices.atom", require_GET(feeds.NoticesFeed()), name="feed_notices"),
    path("feeds/departments/<str:code>.atom", require_GET(feeds.DepartmentFeed()), name="feed_department"),
    path("feeds/enterprises/<str:public_code>.atom", require_GET(feeds.EnterpriseFeed()), name="feed_enterprise"),
]
