from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department
from spotcheck.workdays.csv_file import MAX_FILE_BYTES
from spotcheck.workdays.models import HolidayYear
from spotcheck.workdays.services import FIRST_YEAR, LAST_YEAR


class HolidayYearUploadForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    notice = forms.CharField(
        label=_("节假日安排通知"),
        max_length=HolidayYear._meta.get_field("notice").max_length,
        help_text=_("国务院办公厅通知的文号或标题，如：国办发明电〔2026〕X号"),
    )
    file = forms.FileField(
        label=_("CSV 文件"),
        help_text=_("表头 date,kind,name；kind 为 holiday（放假）或 workday（调休上班）；UTF-8 或 GBK 编码。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件超过 1 MB，不是一年的节假日安排。"))
        return upload


class DepartmentFilter(forms.Form):
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none(), required=False)

    def __init__(self, *args, departments: frozenset[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Department.objects.filter(is_active=True)
        if departments is not None:
            queryset = queryset.filter(pk__in=departments)
        self.fields["department"].queryset = queryset.order_by("sort_order", "code")
        self.fields["department"].empty_label = _("全部")
