from spotcheck.imports.management.base import ExportCommand


class Command(ExportCommand):
    help = "导出抽查事项（.xlsx 或 .csv，格式与导入模板相同）"
    kind = "items"
