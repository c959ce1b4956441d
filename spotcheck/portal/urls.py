"""The public portal (一公开): what anyone may read without logging in."""

app_name = "portal"
urlpatterns: list = []
