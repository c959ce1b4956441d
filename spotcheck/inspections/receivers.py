"""The inspections app's part in draws' steps (draws does not import this app)."""

from django.dispatch import receiver

from spotcheck.draws.signals import task_cancelled
from spotcheck.inspections.services import merged_visits_dissolve_for_task


@receiver(task_cancelled, dispatch_uid="inspections.dissolve_merged_visits_of_cancelled_task")
def _dissolve_merged_visits(sender, *, actor, task, **kwargs) -> None:
    # A cancelled task's visits are not carried out: their merged visits no longer hold.
    merged_visits_dissolve_for_task(actor=actor, task=task)
