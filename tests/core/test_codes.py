"""The one code counter."""

from spotcheck.core import codes
from spotcheck.core.models import CodeCounter


def test_numbers_grow_per_series(db):
    assert [codes.next_number("task:SCJG-2026") for _ in range(3)] == [1, 2, 3]
    assert codes.next_number("task:WSJK-2026") == 1
    assert CodeCounter.objects.get(series="task:SCJG-2026").last_value == 3


def test_taken_numbers_are_skipped_and_stay_used(db):
    taken = {1, 2, 4}
    assert codes.next_number("object:P320481", taken=taken.__contains__) == 3
    assert codes.next_number("object:P320481", taken=taken.__contains__) == 5


def test_bulk_writers_lock_and_raise_the_series(db):
    codes.next_number("object:J320481")
    assert codes.lock_series(["object:J320481", "object:B320481"]) == {"object:J320481": 1, "object:B320481": 0}
    codes.raise_to("object:J320481", 40)
    codes.raise_to("object:J320481", 7)  # never lowered
    assert codes.next_number("object:J320481") == 41
