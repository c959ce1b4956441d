from spotcheck.imports.management.base import ExportCommand


class Command(ExportCommand):
    help = "导出检查对象（.xlsx 或 .csv，格式与导入模板相同）"
    kind = "objects"
