from spotcheck.imports.management.base import ImportCommand


class Command(ImportCommand):
    help = "导入抽查事项（全部成功或全部不导入；有错误时列出全部错误并以非零状态退出）"
    kind = "items"
