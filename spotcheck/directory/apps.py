from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "spotcheck.directory"
    verbose_name = "检查对象名录库"
