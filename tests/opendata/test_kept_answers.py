"""The open data's answers kept for the next client (load14, opendata/kept.py): a kept answer is
the same as a computed one, is still counted against the client's rate, and any audited change
(a withdrawal) drops it at once."""

import pytest
from django.test import override_settings

from spotcheck.publication import services as publication

pytestmark = pytest.mark.usefixtures("spring_2026")


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.SPOTCHECK_PORTAL_CACHE_SECONDS = 60


def test_an_answer_is_computed_once_then_kept(published, get, django_assert_max_num_queries):
    first = get("results/")
    assert first.status_code == 200 and first["X-Portal-Cache"] == "miss"
    with django_assert_max_num_queries(1):  # the audit trail's head, nothing else
        second = get("results/")
    assert second["X-Portal-Cache"] == "hit" and second.json() == first.json()
    # Another query, another answer.
    assert get("results/", result="1")["X-Portal-Cache"] == "miss"


def test_a_withdrawal_drops_the_kept_answers(published, scjg_admin, get):
    code = published.inspection_object.public_code
    for path in ("results/", f"enterprises/{code}/results/"):
        get(path)
        assert get(path)["X-Portal-Cache"] == "hit"
    publication.result_publication_withdraw(actor=scjg_admin, published=published, reason="决定已撤销")
    for path in ("results/", f"enterprises/{code}/results/"):
        answer = get(path)
        assert answer["X-Portal-Cache"] == "miss"
        assert answer.json()["results"][0]["state"]["code"] == "withdrawn"


@override_settings(SPOTCHECK_OPENDATA_RATE="3/minute")
def test_a_kept_answer_is_still_throttled(client, db):
    answers = [client.get("/public/api/v1/codes/", REMOTE_ADDR="10.0.0.9") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a["X-Portal-Cache"] for a in answers] == ["miss", "hit", "hit"]
    # The fourth is over the rate though its answer is kept.
    refused = client.get("/public/api/v1/codes/", REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429


def test_errors_are_not_kept(get, db):
    assert get("results/", page="999").status_code == 400
    assert not get("results/", page="999").has_header("X-Portal-Cache")
    assert get("enterprises/nope/results/").status_code == 404
    assert not get("enterprises/nope/results/").has_header("X-Portal-Cache")
