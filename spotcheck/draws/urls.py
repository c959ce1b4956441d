"""Staff pages of inspection tasks and the draw ceremony."""

app_name = "draws"
urlpatterns: list = []
