from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "spotcheck.web"
    verbose_name = "界面"
