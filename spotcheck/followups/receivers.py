"""The follow-ups app's part in the results' steps (results does not import this app)."""

from django.dispatch import receiver

from spotcheck.followups.risk_history import sync_findings
from spotcheck.results.models import VisitResult
from spotcheck.results.signals import result_confirmed


@receiver(result_confirmed, dispatch_uid="followups.sync_findings_of_confirmed_result")
def _sync_findings(sender, *, visit_result: VisitResult, actor, corrected: bool = False, **kwargs) -> None:
    # Sent inside the confirmation's transaction: the entries commit or roll back with it.
    visit_result = VisitResult.objects.select_related("visit__task", "visit__inspection_object").get(pk=visit_result.pk)
    sync_findings(actor=actor, visit_result=visit_result)
