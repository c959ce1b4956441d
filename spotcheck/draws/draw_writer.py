"""Writing a draw's visits and team members inside the draw's transaction.

A province's draw writes 10^5 visits and 2×10^5 team members. On PostgreSQL the writing runs
in a thread of its own on the transaction's connection, so the database's work overlaps
Python's: the visits are written while the inspectors are matched, the members while the
record is serialised and saved. psycopg serialises the two threads' statements on the
connection's lock (a COPY holds it throughout), and both write in the one transaction, so the
draw stays all or nothing.

The thread holds Python's GIL as little as it can: the main thread renders each batch as one
COPY text and the database joins public ids to primary keys itself (no 10^5 rows come back).
A thread that handled rows one by one would wait for the GIL at every row while the main
thread matches, and take longer than the whole match.

Elsewhere (SQLite) everything is written at once, in order, through the ORM.

Use::

    with DrawWriter(task, targets) as writer:   # starts writing the visits
        teams = match(...)
        writer.write_members(teams)              # queued behind the visits
        ... save the record ...
    # leaving the block waits for the writing and raises what it met
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Mapping
from typing import Any

import psycopg
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from spotcheck.core import bulk
from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import Task, Visit, VisitMember
from spotcheck.inspectors.models import Inspector

Teams = Mapping[str, list[dict[str, str]]]
Job = Callable[[psycopg.Cursor], None]


def _copy_text(value: str) -> str:
    # Canonical strings (DRAW-SPEC §1) hold no tab, newline or other control character; a
    # backslash is the one character COPY's text format needs escaped.
    return value.replace("\\", "\\\\")


class DrawWriter:
    def __init__(self, task: Task, targets: list[dict[str, Any]]) -> None:
        self.task, self.targets = task, targets
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def __enter__(self) -> DrawWriter:
        strata = dict(self.task.strata.values_list("name", "pk"))
        if connection.vendor == "postgresql":
            raw = connection.connection
            self._thread = threading.Thread(target=self._run, args=(raw,), daemon=True)
            self._thread.start()
            lines = "".join(f"{_copy_text(t['id'])}\t{strata[t['stratum']]}\t{t['rank']}\n" for t in self.targets)
            self._jobs.put(lambda cursor: self._write_visits(cursor, lines))
        else:
            self._visit_of = self._write_visits_orm(strata)
        return self

    def write_members(self, teams: Teams) -> None:
        """One member row per team slot, for the teams of ``result.teams``."""
        lead = self.task.lead_slot
        if self._thread is None:
            self._write_members_orm(teams, lead)
            return
        lines = "".join(
            f"{_copy_text(target)}\t{_copy_text(m['inspector'])}\t{_copy_text(m['slot'])}\t{position}\t"
            f"{'t' if m['slot'] == lead else 'f'}\n"
            for target, team in teams.items()
            for position, m in enumerate(team, start=1)
        )
        self._jobs.put(lambda cursor: self._write_members(cursor, lines, len(teams), lines.count("\n")))

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
        if self._error is not None:  # the first cause, also when the caller failed on its account
            raise self._error

    # ------------------------------------------------------------------ PostgreSQL, in the thread

    def _run(self, raw: psycopg.Connection) -> None:
        with psycopg.Cursor(raw) as cursor:
            while (job := self._jobs.get()) is not None:
                if self._error is None:
                    try:
                        job(cursor)
                    except BaseException as error:  # raised in the caller's thread by __exit__
                        self._error = error

    def _write_visits(self, cursor: psycopg.Cursor, lines: str) -> None:
        cursor.execute(
            "CREATE TEMPORARY TABLE drawn_target (public_id text, stratum_id bigint, rank integer) ON COMMIT DROP"
        )
        with cursor.copy("COPY drawn_target (public_id, stratum_id, rank) FROM STDIN") as copy:
            copy.write(lines)
        # The C-collated index holds every object's id (directory migration 0008): an
        # index-only probe per target, not a heap page each. The new visits' ids stay in the
        # database, in a table of their own for the members' join.
        cursor.execute("CREATE TEMPORARY TABLE drawn_visit (public_id text, visit_id bigint) ON COMMIT DROP")
        cursor.execute(
            "WITH visit AS (INSERT INTO draws_visit (task_id, inspection_object_id, stratum_id, rank, public_id) "
            "SELECT %s, o.id, t.stratum_id, t.rank, t.public_id FROM drawn_target AS t "
            'JOIN directory_inspectionobject AS o ON (o.public_code COLLATE "C") = t.public_id ORDER BY o.id '
            "RETURNING public_id, id) INSERT INTO drawn_visit SELECT public_id, id FROM visit",
            [self.task.pk],
        )
        if cursor.rowcount != len(self.targets):
            cursor.execute(
                "SELECT public_id FROM drawn_target AS t WHERE NOT EXISTS "
                "(SELECT 1 FROM drawn_visit AS v WHERE v.public_id = t.public_id) ORDER BY public_id LIMIT 1"
            )
            self._object_missing(cursor.fetchone()[0])
        cursor.execute("DROP TABLE drawn_target; ANALYZE drawn_visit")

    def _write_members(self, cursor: psycopg.Cursor, lines: str, teams: int, members: int) -> None:
        cursor.execute(
            "CREATE TEMPORARY TABLE drawn_member (public_id text, inspector text, slot text, position smallint, "
            "is_lead boolean) ON COMMIT DROP"
        )
        with cursor.copy("COPY drawn_member (public_id, inspector, slot, position, is_lead) FROM STDIN") as copy:
            copy.write(lines)
        cursor.execute("ANALYZE drawn_member")  # temporary tables have no statistics: plan hash joins
        cursor.execute(
            "INSERT INTO draws_visitmember (visit_id, inspector_id, slot, position, is_lead) "
            "SELECT v.visit_id, i.id, m.slot, m.position, m.is_lead FROM drawn_member AS m "
            "JOIN drawn_visit AS v ON v.public_id = m.public_id "
            "JOIN inspectors_inspector AS i ON i.code = m.inspector ORDER BY v.visit_id, m.position"
        )
        if cursor.rowcount != members:  # the roster is frozen from the inspectors table: cannot happen
            raise RuntimeError(f"{members} team members of {teams} visits, {cursor.rowcount} written")
        cursor.execute("DROP TABLE drawn_member; DROP TABLE drawn_visit")

    # ------------------------------------------------------------------------- other databases

    def _write_visits_orm(self, strata: Mapping[str, int]) -> dict[str, int]:
        objects = bulk.ids_by_value(InspectionObject, "public_code", [t["id"] for t in self.targets])
        if len(objects) != len(self.targets):
            self._object_missing(next(t["id"] for t in self.targets if t["id"] not in objects))
        fields = ("task_id", "inspection_object_id", "stratum_id", "rank", "public_id")
        rows = [(self.task.pk, objects[t["id"]], strata[t["stratum"]], t["rank"], t["id"]) for t in self.targets]
        bulk.bulk_insert(Visit, fields, rows)
        return dict(Visit.objects.filter(task=self.task).values_list("public_id", "pk"))

    def _write_members_orm(self, teams: Teams, lead: str) -> None:
        codes = sorted({m["inspector"] for team in teams.values() for m in team})
        inspectors = dict(Inspector.objects.filter(**bulk.in_values("code", codes)).values_list("code", "pk"))
        rows = [
            (self._visit_of[target], inspectors[m["inspector"]], m["slot"], position, m["slot"] == lead)
            for target, team in teams.items()
            for position, m in enumerate(team, start=1)
        ]
        bulk.bulk_insert(VisitMember, ("visit_id", "inspector_id", "slot", "position", "is_lead"), rows)

    @staticmethod
    def _object_missing(public_id: str) -> None:
        raise ValidationError(_("抽中的对象“%(id)s”已不在名录中。") % {"id": public_id})
