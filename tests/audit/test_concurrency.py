import threading

import pytest
from django.db import connection, connections

from spotcheck.audit.models import AuditEntry
from spotcheck.audit.services import audit_record, first_chain_break


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(scjg_admin):
    """Real concurrent connections: each thread appends entries in its own transactions; the
    chain must come out linear (no two entries claiming the same place) and verify."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (real concurrent writers)")
    threads, per_thread, errors = 4, 15, []
    start = threading.Barrier(threads)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                audit_record(actor=scjg_admin, action="test.concurrent", after={"thread": n, "i": i})
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, threads * per_thread + 1))
    assert first_chain_break() is None
