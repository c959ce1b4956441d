"""Small display helpers of the inspectors pages."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from spotcheck.audit.actions import action_label
from spotcheck.inspectors.models import Inspector

register = template.Library()

EXPIRY_WARNING_DAYS = 30


@register.simple_tag
def certificate_badge(inspector: Inspector) -> str:
    """执法证有效期 with a badge when it has expired or expires within 30 days."""
    state = inspector.certificate_state_on(timezone.localdate(), EXPIRY_WARNING_DAYS)
    expires = inspector.certificate_expires_on
    if state == "none":
        return format_html('<span class="muted">{}</span>', _("无需执法证"))
    if state == "missing":
        return format_html('<span class="badge err">{}</span>', _("缺执法证信息"))
    if state == "expired":
        return format_html('{} <span class="badge err">{}</span>', expires, _("已过期"))
    if state == "expiring":
        return format_html('{} <span class="badge warn">{}</span>', expires, _("30 天内到期"))
    return format_html("{}", expires)


@register.simple_tag
def availability_badge(inspector: Inspector) -> str:
    """Today's availability; the stored state may lie in the future or be over already."""
    today = timezone.localdate()
    label = inspector.get_availability_display()
    if inspector.availability == Inspector.Availability.ON_DUTY:
        return format_html('<span class="badge ok">{}</span>', label)
    if inspector.is_available_on(today):
        period = (
            inspector.availability_from if inspector.availability_from and inspector.availability_from > today else None
        )
        if period:
            return format_html(
                '<span class="badge ok">{}</span> <span class="muted">{}</span>',
                _("在岗"),
                _("%(label)s自 %(day)s") % {"label": label, "day": period},
            )
        return format_html('<span class="badge ok">{}</span>', _("在岗"))
    css = "err" if inspector.availability == Inspector.Availability.TRANSFERRED else "warn"
    return format_html('<span class="badge {}">{}</span>', css, label)


EXTRA_LABELS = {"reason": gettext_lazy("原因")}


def _field(key: str):
    for field in Inspector._meta.get_fields():
        if getattr(field, "attname", None) == key or field.name == key:
            return field
    return None


def _display(field, value):
    """Choice labels and the names of related rows instead of stored codes and ids."""
    if field is None or value in (None, "", []):
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        model = field.related_model
        ids = value if isinstance(value, list) else [value]
        names = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}
        return pgettext("list separator", "、").join(names.get(pk, f"#{pk}") for pk in ids)
    return value


@register.filter
def audit_action_label(action: str) -> str:
    return action_label(action)


@register.filter
def audit_changes(entry) -> list[tuple[str, object, object]]:
    """(label, before, after) per changed field of an audit entry, for the history table."""
    before, after = entry.before or {}, entry.after or {}
    rows = []
    for key in sorted(set(before) | set(after)):
        field = _field(key)
        label = str(EXTRA_LABELS.get(key) or getattr(field, "verbose_name", key))
        rows.append((label, _display(field, before.get(key)), _display(field, after.get(key))))
    return rows
