"""Bad input to the open data API is a 400 naming the parameter, never a 500 and never ignored."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

LISTS = ["items/", "plans/", "tasks/", "results/", "notices/"]
BAD = [
    ("page", "²"),
    ("page", "0"),
    ("page", "-1"),
    ("page", "1.5"),
    ("page", "9" * 40),
    ("page_size", str(10**9)),
    ("page_size", "0"),
    ("page_size", "abc"),
    ("year", "abc"),
    ("year", "20260"),
    ("q", "食"),
    ("q", " 食 "),
    ("q", "x" * 101),
    ("q", "a\x00b"),
    ("department", "NOPE"),
    ("department", "x" * 500),
    ("region", "999999"),
    ("date_from", "2026-13-01"),
    ("date_to", "yesterday"),
    ("no_such_filter", "1"),
]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(("name", "value"), BAD, ids=[f"{n}={v[:12]!r}" for n, v in BAD])
def test_bad_parameters_are_400_naming_the_parameter(get, scjg, path, name, value):
    response = get(path, **{name: value})
    assert response.status_code == 400, response.content
    assert name in response.json()


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("results/", "result", "Z"),
        ("results/", "result", "未发现问题"),
        ("results/", "uscc", "91320481MA1234567"),  # 17 characters
        ("results/", "uscc", "91320481MA12345IOZ"),  # letters a USCC never holds
        ("results/", "notice", "abc"),
        ("results/", "state", "superseded"),  # the old versions are not public
        ("items/", "category", "secret"),
        ("items/", "method", "1"),
        ("items/", "current", "perhaps"),
        ("tasks/", "kind", "nope"),
        ("tasks/", "drawn", "2"),
        ("plans/", "kind", "routine"),
    ],
)
def test_unknown_codes_are_400(get, path, name, value):
    response = get(path, **{name: value})
    assert response.status_code == 400 and name in response.json()


def test_a_date_range_backwards_is_400(get):
    response = get("results/", date_from="2026-03-02", date_to="2026-03-01")
    assert response.status_code == 400 and "date_to" in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "items/²/",
        "items/%00/",
        "plans/999999/",
        "tasks/²/",
        "tasks/%00/",
        "tasks/x/record/",
        "tasks/%00/record/",
        "enterprises/x/results/",
        "enterprises/%00/results/",
    ],
)
def test_unknown_ids_are_404(get, path):
    assert get(path).status_code == 404


@pytest.mark.parametrize("path", ["/public/tasks/%00/", "/public/tasks/%00/record.json", "/public/enterprises/%00/"])
def test_a_nul_in_a_portal_code_is_404_on_every_database(client, db, path):
    # The selectors the API shares with the portal: PostgreSQL refused the NUL with a 500.
    assert client.get(path).status_code == 404


@override_settings(SPOTCHECK_OPENDATA_RATE="1000/minute")
def test_writes_are_refused(client, scjg_admin):
    client.force_login(scjg_admin)  # a session changes nothing: there is no session authentication
    for path in ["items/", "results/", "codes/", "schema/"]:
        for method in (client.post, client.put, client.delete, client.patch):
            response = method("/public/api/v1/" + path, {}, content_type="application/json")
            assert response.status_code == 405, (path, method)
