"""The administrator's table in the Django admin: read only (a year is entered with
``manage.py workdays load``, which validates the whole file and writes the audit entry)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from spotcheck.workdays.models import CalendarDay, HolidayYear


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HolidayYear)
class HolidayYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "notice", "entered_by", "entered_at", "is_current")
    list_filter = ("year",)
    inlines = [CalendarDayInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entered_by")

    @admin.display(description=_("现行"), boolean=True)
    def is_current(self, holiday_year):
        return holiday_year.superseded_at is None


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "name", "holiday_year")
    list_filter = ("kind", "holiday_year__year")
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("holiday_year")
