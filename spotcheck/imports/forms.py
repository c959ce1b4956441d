from django import forms
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import Scope
from spotcheck.imports.limits import ImportLimits, upload_too_large
from spotcheck.imports.models import ExportJob
from spotcheck.imports.readers import SUPPORTED_SUFFIXES, suffix_of
from spotcheck.imports.services import default_department_id


class ImportUploadForm(forms.Form):
    department = forms.ModelChoiceField(label=_("导入部门"), queryset=Department.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("xlsx 或 CSV（UTF-8、GBK、GB18030 编码均可），第 1 行为列名。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_SUFFIXES)}),
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(is_active=True)
        if not scope.writes_all:
            departments = departments.filter(pk__in=scope.write_departments or [])
        self.fields["department"].queryset = departments
        self.fields["department"].initial = default_department_id(scope)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if suffix_of(upload.name) not in SUPPORTED_SUFFIXES:
            raise forms.ValidationError(_("请上传 .csv 或 .xlsx 文件。"))
        limits = ImportLimits.current()
        if upload.size > limits.upload_bytes:
            raise forms.ValidationError(upload_too_large(limits))
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("文件格式"), choices=ExportJob.Format.choices, initial=ExportJob.Format.XLSX, widget=forms.RadioSelect
    )
