"""The open-data pages (bulk14) in Chromium at 390 px and 1280 px: the file list with its
SHA-256 column and the data dictionary stay whole on a phone, show no raw code outside <code>,
and a file downloads with the bytes the manifest names."""

import hashlib
from pathlib import Path

import pytest

from spotcheck.bulkdata import services
from spotcheck.bulkdata.models import BulkFile
from tests.browser.test_every_page import _overflow, _visible_text
from tests.browser_support import shot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]


def test_the_open_data_pages_on_a_phone_and_a_desktop(page, published):
    services.bulk_files_build()
    for path, name in (("/public/data/", "open-data"), ("/public/data/dictionary/", "open-data-dictionary")):
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{page.base_url}{path}")
            assert not _overflow(page, width), (path, width)
            assert not _visible_text(page, width), (path, width)
            shot(page, f"{name}-{width}")
    page.goto(f"{page.base_url}/public/data/")
    f = BulkFile.objects.get(kind="results", format="csv")
    with page.expect_download() as info:
        page.click(f"a[href$='{f.name}']")
    data = Path(info.value.path()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == f.sha256 and data.startswith(b"\xef\xbb\xbf")
    assert page.locator("link[rel=alternate][type='application/atom+xml']").count() == 1
