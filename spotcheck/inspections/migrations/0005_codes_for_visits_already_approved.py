"""检查码 for the visits approved (or started in an emergency) before codes existed. The code's
form is that of ``inspections.check_codes`` (repeated here: a migration imports no app code)."""

import secrets

from django.db import migrations
from django.utils import timezone

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def issue_codes(apps, schema_editor):
    Visit = apps.get_model("draws", "Visit")
    VisitApproval = apps.get_model("inspections", "VisitApproval")
    EmergencyStart = apps.get_model("inspections", "EmergencyStart")
    VisitCode = apps.get_model("inspections", "VisitCode")
    approved = set(VisitApproval.objects.filter(withdrawn_at__isnull=True).values_list("visit_id", flat=True))
    started = set(EmergencyStart.objects.values_list("visit_id", flat=True))
    have = set(VisitCode.objects.values_list("visit_id", flat=True))
    wanted = sorted((approved | started) - have)
    if not wanted:
        return
    taken = set(VisitCode.objects.values_list("code", flat=True))
    now = timezone.now()
    for start in range(0, len(wanted), 1000):
        chunk = Visit.objects.filter(pk__in=wanted[start : start + 1000]).values_list("pk", flat=True)
        VisitCode.objects.bulk_create(VisitCode(visit_id=pk, code=_new_code(taken), created_at=now) for pk in chunk)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_visit_codes_check_ins_and_feedback"),
    ]

    operations = [migrations.RunPython(issue_codes, migrations.RunPython.noop)]
