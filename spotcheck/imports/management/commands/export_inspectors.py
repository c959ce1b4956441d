from spotcheck.imports.management.base import ExportCommand


class Command(ExportCommand):
    help = "导出执法检查人员（.xlsx 或 .csv，格式与导入模板相同）"
    kind = "inspectors"
