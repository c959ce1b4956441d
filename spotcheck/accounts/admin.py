"""Django admin for the system administrator: users, roles, departments and regions.

Every save goes through ``reference_save`` so it lands in the audit chain; nothing can be
deleted here (accounts and departments are deactivated instead).
"""

import copy

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Membership, Region, User
from spotcheck.accounts.services import reference_save, user_set_password


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        reference_save(actor=request.user, instance=obj, is_new=not change)

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("department", "role", "unit", "is_active")
    readonly_fields = ("unit",)
    can_delete = False

    @admin.display(description=_("所在单位"))
    def unit(self, membership):
        return membership.unit.long_name if membership.pk else ""


@admin.register(User)
class SpotcheckUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "unit", "is_active", "last_login")
    search_fields = ("username", "full_name", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__department")

    @admin.display(description=_("所在单位"))
    def unit(self, user):
        unit = user.unit
        return unit.long_name if unit else ""

    def save_model(self, request, obj, form, change):
        reference_save(actor=request.user, instance=obj, is_new=not change)

    def save_formset(self, request, form, formset, change):
        for membership in formset.save(commit=False):
            reference_save(actor=request.user, instance=membership, is_new=membership.pk is None)

    def user_change_password(self, request, id, form_url=""):
        # The admin instance is shared between requests, so the acting user goes into a
        # per-request copy rather than onto ``self``.
        actor = request.user

        class AuditedPasswordForm(AdminPasswordChangeForm):
            def save(self, commit=True):
                user_set_password(actor=actor, user=self.user, raw_password=self.cleaned_data["password1"])
                return self.user

        per_request = copy.copy(self)
        per_request.change_password_form = AuditedPasswordForm
        return UserAdmin.user_change_password(per_request, request, id, form_url)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "short_name", "name", "hosts_joint_office", "results_need_approval", "is_active")
    search_fields = ("code", "name", "short_name")


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent", "is_active")
    search_fields = ("code", "name")
    list_filter = ("level",)


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "department", "role", "is_active")
    list_filter = ("role", "department")
    search_fields = ("user__username", "user__full_name")
