import pytest
from django.db import DatabaseError, transaction

from spotcheck.audit.models import AuditEntry
from spotcheck.audit.services import audit_record


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_transactional_tests_keep_the_triggers(run, scjg_admin):
    # Runs twice: the second run proves the flush after the first left the triggers in place.
    audit_record(actor=scjg_admin, action="test.event")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.update(action="tampered")
    assert AuditEntry.objects.count() == 1
