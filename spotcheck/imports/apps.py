from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "spotcheck.imports"
    verbose_name = "导入导出"
