"""Plan strata filters written in the object filter language (spotcheck.directory.object_filter),
the one a task's strata take, instead of the plan's own.

The plan's ``flags`` (a list read as "any of them") become the keys themselves:
``abnormal_list`` → ``{"abnormal_list": true}``, ``serious_violation`` →
``{"serious_violation_list": true}``, ``key_supervision`` → ``{"tags": ["key_supervision"]}``,
``recent_penalty`` → ``{"penalised_within_days": n}`` (n: ``penalty_within_days``, 365 when
missing); one flag is its key, several an ``any_of`` of them. Code lists are sorted, as the
language keeps them. The same for the strata in the plans' history (PlanEvent snapshots), so
that every stored version of a plan reads in one language.

Backwards, the plan's form again; a filter it cannot express (written in the new language with
other keys) stops the migration, naming the stratum, rather than being changed in meaning.
"""

from django.db import migrations

# The old form's flags in its canonical order, and the filter each stands for (a copy: a
# migration does not import the app's code).
FLAGS = ("abnormal_list", "serious_violation", "recent_penalty", "key_supervision")
OLD_KEYS = {"credit_levels", "risk_levels", "flags", "penalty_within_days"}
DEFAULT_PENALTY_DAYS = 365
# The old form kept levels in the order of their choices.
CHOICE_ORDER = {"credit_levels": ("A", "B", "C", "D"), "risk_levels": ("low", "general", "elevated", "high")}


def _flag_filter(flag, penalty_days):
    return {
        "abnormal_list": {"abnormal_list": True},
        "serious_violation": {"serious_violation_list": True},
        "recent_penalty": {"penalised_within_days": penalty_days},
        "key_supervision": {"tags": ["key_supervision"]},
    }[flag]


def to_object_filter(old):
    """The plan form → the object filter language (a filter already in it stays as it is)."""
    old = old or {}
    if not set(old) <= OLD_KEYS:
        return dict(old)
    new = {key: sorted(set(old[key])) for key in ("credit_levels", "risk_levels") if old.get(key)}
    days = old.get("penalty_within_days", DEFAULT_PENALTY_DAYS)
    alternatives = [_flag_filter(flag, days) for flag in FLAGS if flag in (old.get("flags") or [])]
    if len(alternatives) == 1:
        new.update(alternatives[0])
    elif alternatives:
        new["any_of"] = alternatives
    return new


def _flag_of(alternative):
    if set(alternative) == {"penalised_within_days"}:
        return "recent_penalty", alternative["penalised_within_days"]
    for flag in ("abnormal_list", "serious_violation", "key_supervision"):
        if alternative == _flag_filter(flag, None):
            return flag, None
    return None, None


def to_plan_form(new, where):
    """The object filter language → the plan form; ValueError naming ``where`` when it cannot."""
    rest = dict(new or {})
    old = {}
    for key, order in CHOICE_ORDER.items():
        if values := rest.pop(key, None):
            old[key] = [v for v in order if v in values] + sorted(v for v in values if v not in order)
    if not rest:
        alternatives = []
    elif set(rest) == {"any_of"}:
        alternatives = rest["any_of"]
    else:
        alternatives = [rest]
    flags, days = [], None
    for alternative in alternatives:
        flag, flag_days = _flag_of(alternative)
        if flag is None or flag in flags:
            raise ValueError(f"{where}: the filter {new!r} has no equivalent in the plan's old stratum filter")
        flags.append(flag)
        days = flag_days if flag_days is not None else days
    if flags:
        old["flags"] = [flag for flag in FLAGS if flag in flags]
    if days is not None:
        old["penalty_within_days"] = days
    return old


def _convert(apps, convert):
    PlanStratum = apps.get_model("planning", "PlanStratum")
    PlanEvent = apps.get_model("planning", "PlanEvent")
    for stratum in PlanStratum.objects.order_by("pk"):
        new = convert(stratum.filter, f"PlanStratum {stratum.pk} “{stratum.name}”")
        if new != stratum.filter:
            stratum.filter = new
            stratum.save(update_fields=["filter"])
    for event in PlanEvent.objects.order_by("pk"):
        changed = False
        for entry in event.snapshot.get("entries") or []:
            for stratum in entry.get("strata") or []:
                if "filter" not in stratum:
                    continue
                new = convert(stratum.get("filter"), f"PlanEvent {event.pk}, stratum “{stratum.get('name')}”")
                changed = changed or new != stratum.get("filter")
                stratum["filter"] = new
        if changed:
            event.save(update_fields=["snapshot"])


def forwards(apps, schema_editor):
    _convert(apps, lambda old, where: to_object_filter(old))


def backwards(apps, schema_editor):
    _convert(apps, to_plan_form)


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_annual_plans")]

    operations = [migrations.RunPython(forwards, backwards)]
