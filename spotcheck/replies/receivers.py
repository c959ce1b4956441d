"""The replies app's part in the inspections app's steps (inspections does not import this app)."""

from django.dispatch import receiver

from spotcheck.inspections.signals import visit_complained
from spotcheck.replies.services import complaint_notify


@receiver(visit_complained, dispatch_uid="replies.notify_reviewers_of_complaint")
def _notify_reviewers(sender, *, actor, feedback, **kwargs) -> None:
    # Those who answer complaints learn of a new one in the app (提醒), not only on the home page.
    complaint_notify(actor=actor, feedback=feedback)
