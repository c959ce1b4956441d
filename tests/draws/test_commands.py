"""export_draw and verify_draws."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from spotcheck.draws.models import Draw, Visit, VisitMember
from spotcheck.drawspec import engine
from tests.factories import later_window


def _call(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_draw_prints_a_verifiable_record(make_task, run_ceremony):
    task = run_ceremony(make_task())
    out, _err = _call("export_draw", task.code)
    record = json.loads(out)
    assert record["input"]["task"] == task.code
    assert "exclusions" in record
    assert engine.verify_record(record) == []
    public = json.loads(_call("export_draw", task.code, "--public")[0])
    assert "exclusions" not in public and engine.verify_record(public) == []


def test_export_draw_refuses_unknown_or_undrawn(make_task, run_ceremony):
    with pytest.raises(CommandError, match="没有编号"):
        _call("export_draw", "NOPE-1")
    task = run_ceremony(make_task(), draw=False)
    with pytest.raises(CommandError, match="尚未抽取"):
        _call("export_draw", task.code)
    with pytest.raises(CommandError):
        _call("export_draw")


def test_export_all_writes_one_file_per_drawn_task(make_task, run_ceremony, tmp_path):
    drawn = [run_ceremony(make_task(**later_window(n + 1))) for n in range(2)]
    make_task()  # a draft: nothing to export
    out, _err = _call("export_draw", "--all", str(tmp_path / "out"))
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == sorted(f"{t.code}.json" for t in drawn)
    for path in (tmp_path / "out").iterdir():
        assert engine.verify_record(json.loads(path.read_text(encoding="utf-8"))) == []
    assert "2" in out


def test_verify_draws_ok_and_failure(make_task, run_ceremony):
    good, bad = run_ceremony(make_task()), run_ceremony(make_task(**later_window()))
    out, _err = _call("verify_draws")
    assert f"OK {good.code}" in out and f"OK {bad.code}" in out
    # Tamper with one stored result: the command names the task and exits non-zero.
    draw = Draw.objects.get(task=bad)
    draw.result["targets"][0]["rank"] = 99
    draw.save(update_fields=["result"])
    with pytest.raises(CommandError, match=bad.code) as info:
        _call("verify_draws")
    assert good.code not in str(info.value)


def test_verify_draws_exit_code(make_task, run_ceremony):
    """manage.py exits with a CommandError's returncode (run_from_argv is not called here: it
    closes the database connections the test runs in)."""
    task = run_ceremony(make_task())
    _call("verify_draws")
    draw = Draw.objects.get(task=task)
    draw.seed = "0" * 64
    draw.save(update_fields=["seed"])
    with pytest.raises(CommandError) as info:
        _call("verify_draws")
    assert info.value.returncode == 1
    assert task.code in str(info.value)


def test_verify_draws_finds_visits_that_left_their_record(make_task, run_ceremony, scjg_inspectors):
    """Visits point at objects and inspectors without database constraints; the command is
    what notices a visit or team that no longer matches the record."""
    task = run_ceremony(make_task())
    visit = Visit.objects.filter(task=task).order_by("pk").first()
    member = VisitMember.objects.filter(visit=visit).order_by("position").first()
    stranger = next(p for p in scjg_inspectors if not visit.members.filter(inspector=p).exists())
    VisitMember.objects.filter(pk=member.pk).update(inspector=stranger)
    Visit.objects.filter(pk=visit.pk).update(inspection_object_id=10**9)  # an object that does not exist
    _out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=task.code):
        call_command("verify_draws", stdout=_out, stderr=err)
    assert f"抽中的对象 {visit.public_id}" in err.getvalue()
    assert f"对象 {visit.public_id} 的检查组与抽取结果不一致" in err.getvalue()
