"""Writing a draw's visits and team members (draw_writer.py): on PostgreSQL in a thread of its
own, through COPY text and joins in the database; elsewhere through the ORM. Both suites run
these."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Value
from django.db.models.functions import Concat

from spotcheck.directory.models import InspectionObject
from spotcheck.draws import services
from spotcheck.draws.models import Task, Visit, VisitMember
from spotcheck.draws.selectors import record_for
from spotcheck.drawspec import engine


def test_visits_and_members_match_the_record(make_task, run_ceremony, scjg_inspectors):
    # A backslash is the one character COPY's text format escapes; slot names may hold one.
    slots = [
        {"name": "主检\\甲", "dept": "SCJG", "quals": ["draws_food"]},
        {"name": "协检 B\\n", "dept": "SCJG", "quals": []},
    ]
    task = run_ceremony(make_task(slots=slots, lead_slot="主检\\甲"))
    record = record_for(task, public=False)
    assert engine.verify_record(record) == []
    visits = {v.public_id: v for v in task.visits.select_related("inspection_object", "stratum")}
    targets = record["result"]["targets"]
    assert sorted(visits) == sorted(t["id"] for t in targets)
    for target in targets:
        visit = visits[target["id"]]
        assert (visit.inspection_object.public_code, visit.stratum.name, visit.rank) == (
            target["id"],
            target["stratum"],
            target["rank"],
        )
    codes = {p.pk: p.code for p in scjg_inspectors}
    written = {
        public_id: [(m.slot, codes[m.inspector_id], m.position, m.is_lead) for m in visit.members.order_by("position")]
        for public_id, visit in visits.items()
    }
    expected = {
        target: [(m["slot"], m["inspector"], n, m["slot"] == "主检\\甲") for n, m in enumerate(team, start=1)]
        for target, team in record["result"]["teams"].items()
    }
    assert written == expected


def test_a_drawn_object_gone_from_the_directory_saves_nothing(make_task, run_ceremony, scjg_admin, objects):
    task = run_ceremony(make_task(), draw=False)
    # Objects are retired, never deleted, and keep their public ids; only a damaged directory
    # loses one. The draw then names the id and writes nothing.
    InspectionObject.objects.filter(pk__in=[o.pk for o in objects]).update(
        public_code=Concat(Value("X-"), "public_code")
    )
    with pytest.raises(ValidationError, match="已不在名录中"):
        services.task_draw(actor=scjg_admin, task=task)
    task = Task.objects.get(pk=task.pk)
    assert task.status == Task.Status.ANNOUNCED
    assert task.draw.seed == "" and task.draw.result is None
    assert not Visit.objects.exists() and not VisitMember.objects.exists()
