"""Large imports on PostgreSQL: staged rows and the bulk load that drops and rebuilds the
directory's indexes and foreign keys inside the import's transaction."""

import pytest
from django.db import IntegrityError, connection, transaction

from spotcheck.core import bulk
from spotcheck.directory.models import InspectionObject, ObjectLicence
from spotcheck.imports.models import ImportJob
from tests.factories import OBJECT_HEADER, make_uscc, object_row

pytestmark = pytest.mark.django_db

TABLES = (
    "directory_inspectionobject",
    "directory_inspectionobject_tags",
    "directory_inspectionobject_supervising_departments",
    "directory_objectlicence",
)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("bulk load is PostgreSQL's (SQLite writes row batches directly)")


@pytest.fixture
def statements():
    """The SQL statements run inside the ``with`` block of the returned recorder."""
    seen: list[str] = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    class Recorder(list):
        def __enter__(self):
            self._wrapper = connection.execute_wrapper(watch)
            self._wrapper.__enter__()
            return seen

        def __exit__(self, *exc):
            return self._wrapper.__exit__(*exc)

    return Recorder()


def locked(seen):
    return any(sql.startswith("LOCK TABLE") for sql in seen)


def schema_of_tables():
    """Every index and constraint of the loaded tables, with its definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION ALL SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2, 3",
            [list(TABLES), list(TABLES)],
        )
        return cursor.fetchall()


def imported_state():
    return [
        (
            o.uscc,
            o.name,
            o.owner_department_id,
            o.region_id,
            o.industry_id,
            sorted(o.tags.values_list("code", flat=True)),
            sorted(o.supervising_departments.values_list("code", flat=True)),
            sorted(o.licences.values_list("kind__code", "number", "valid_until", "retired_at")),
        )
        for o in InspectionObject.objects.order_by("uscc")
    ]


def rows(count):
    return [
        OBJECT_HEADER,
        *(
            object_row(make_uscc(n), f"企业{n}", **({"分类标注": "", "许可证": ""} if n % 2 else {}))
            for n in range(1, count + 1)
        ),
    ]


def test_bulk_load_gives_what_the_row_path_gives_and_restores_the_schema(
    scjg_admin, scjg, wsjk, codes, run_import, settings, statements
):
    before = schema_of_tables()
    settings.SPOTCHECK_IMPORT_BULK_LOAD_ROWS = 1_000_000
    with transaction.atomic():
        run = run_import(scjg_admin, "objects", rows(12), scjg)
        assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
        by_rows = imported_state()
        transaction.set_rollback(True)
    assert not InspectionObject.objects.exists()

    settings.SPOTCHECK_IMPORT_BULK_LOAD_ROWS = 5
    with statements as seen:
        run = run_import(scjg_admin, "objects", rows(12), scjg)

    assert locked(seen)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    assert run.job.created_count == 12
    assert imported_state() == by_rows
    assert len(by_rows) == 12 and by_rows[1][5] == ["catering", "key_supervision"]
    assert schema_of_tables() == before
    # The rebuilt unique constraint still holds.
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionObject.objects.filter(uscc=make_uscc(2)).update(uscc=make_uscc(1))


def test_bulk_load_is_skipped_when_the_directory_is_much_larger(
    scjg_admin, scjg, codes, run_import, settings, statements
):
    settings.SPOTCHECK_IMPORT_BULK_LOAD_ROWS = 1
    run_import(scjg_admin, "objects", rows(20), scjg)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_inspectionobject")
    with statements as seen:
        run = run_import(scjg_admin, "objects", [OBJECT_HEADER, object_row(make_uscc(900), "新企业", 许可证="")], scjg)
    assert run.job.created_count == 1
    assert not locked(seen)
    assert InspectionObject.objects.filter(uscc=make_uscc(900)).exists()


def test_a_broken_reference_inside_a_bulk_load_rolls_everything_back(scjg, towns):
    before = schema_of_tables()
    loading = bulk.BulkLoad(InspectionObject, ObjectLicence)
    with pytest.raises(IntegrityError), transaction.atomic():
        loading.begin()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO directory_inspectionobject (public_code, kind, name, legal_representative, "
                "address, status, risk_level, credit_level, in_abnormal_list, in_serious_violation_list, "
                "annual_report_status, retired_reason, created_at, updated_at, owner_department_id, region_id) "
                "VALUES ('P1', 'product', 'x', '', '', 'active', 'low', 'A', false, false, 'filed', '', now(), "
                "now(), %s, -1)",
                [scjg.pk],
            )
        loading.end()
    assert schema_of_tables() == before
    assert not InspectionObject.objects.filter(public_code="P1").exists()
