"""An upload larger than the import limit is stopped while it arrives, not after it is on
disk: refused with a message naming the limit, and nothing of it kept (issue 11, item 7)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client

from spotcheck.imports.models import ImportJob
from tests.factories import OBJECT_HEADER, make_uscc, object_row, write_csv

pytestmark = pytest.mark.django_db

RECEIVED: list[int] = []


class ReceivedProbe(FileUploadHandler):
    """Runs after the limit, as the default handlers do: records how much reached them."""

    def receive_data_chunk(self, raw_data, start):
        RECEIVED.append(start + len(raw_data))
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def small_limit(settings, tmp_path):
    settings.SPOTCHECK_IMPORT_MAX_UPLOAD_BYTES = 4096
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # larger uploads go to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    settings.FILE_UPLOAD_HANDLERS = [
        "tests.imports.test_upload_limit.ReceivedProbe",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    RECEIVED.clear()
    return settings


def _post(client, department, content: bytes, name="对象.csv"):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    data = {"kind": "objects", "objects-department": department.pk, "objects-file": upload}
    return client.post("/imports/upload/", data)


def _csv(tmp_path, rows: int) -> bytes:
    table = [OBJECT_HEADER, *(object_row(make_uscc(i)) for i in range(1, rows + 1))]
    return write_csv(tmp_path / "a.csv", table).read_bytes()


def test_too_large_upload_is_stopped_while_arriving(small_limit, scjg_admin, scjg, codes, login, tmp_path):
    content = _csv(tmp_path, 200)
    assert len(content) > 10 * 4096
    response = _post(login(scjg_admin), scjg, content)
    assert response.status_code == 413
    page = response.content.decode()
    assert "文件超过导入上限 4 KB，未予接收" in page
    # The handlers that store the file got no more than the limit, and nothing is kept.
    assert max(RECEIVED, default=0) <= 4096
    assert not ImportJob.objects.exists()
    assert not list(small_limit.FILE_UPLOAD_TEMP_DIR.iterdir())
    assert not (small_limit.MEDIA_ROOT / "imports").exists()


def test_upload_under_the_limit_is_imported(
    small_limit, scjg_admin, scjg, codes, login, tmp_path, django_capture_on_commit_callbacks
):
    small_limit.SPOTCHECK_IMPORT_MAX_UPLOAD_BYTES = 100_000
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(login(scjg_admin), scjg, _csv(tmp_path, 20))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.SUCCEEDED and job.created_count == 20


def test_upload_still_needs_the_csrf_token(scjg_admin, scjg, codes, tmp_path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(scjg_admin)
    response = _post(client, scjg, _csv(tmp_path, 1))
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
