"""Checks that must pass before a task's drawn list is published after the visits
(``services.task_publish_list``). draws may not import the apps above it that know whether the
visits are done, so they register a check here from their ``AppConfig.ready`` (the deadlines
app: every visit has a final result); a check refuses with a ValidationError that says why.
Explicit and ordered, unlike a signal whose receivers' errors would be swallowed or mixed."""

from __future__ import annotations

from collections.abc import Callable

from spotcheck.draws.models import Task

ListPublishCheck = Callable[[Task], None]

_checks: list[ListPublishCheck] = []


def register_list_publish_check(check: ListPublishCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def list_publish_checks() -> tuple[ListPublishCheck, ...]:
    return tuple(_checks)


def run_list_publish_checks(task: Task) -> None:
    """Every registered check, in order; the first refusal propagates."""
    for check in _checks:
        check(task)
