"""Odd input at the edge is a 404 or a clear 400, never a 500 (issue 11, item 12): ids that are
not numbers (or "²", which str.isdigit() accepts and int() refuses), years out of range, a JSON
body nested 100,000 deep. The schema-driven fuzz test (test_api_fuzz.py) covers the API at
large; these are the cases found by hand, each of which answered 500 before."""

import pytest

from spotcheck.draws.models import Task


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/inspectors/x/",
        "/api/v1/items/x/",
        "/api/v1/inspector-recusals/x/",
        "/api/v1/items/²/",
        "/api/v1/tasks/99999999999999999999/",
    ],
)
def test_an_id_that_is_not_a_number_is_a_404(login, coordinator, path):
    assert login(coordinator).get(path).status_code == 404


@pytest.mark.parametrize("year", ["99999", "0.0", "-1", "1e5", "²", "1999"])
@pytest.mark.parametrize("path", ["/api/v1/tasks/", "/api/v1/plans/"])
def test_a_year_out_of_range_in_the_api_is_a_400(login, coordinator, path, year):
    response = login(coordinator).get(path, {"year": year})
    assert response.status_code == 400 and "year" in response.json()


@pytest.mark.parametrize("path", ["/tasks/", "/plans/"])
@pytest.mark.parametrize("year", ["²", "99999", "-1"])
def test_a_year_out_of_range_on_a_page_is_ignored(login, coordinator, path, year):
    assert login(coordinator).get(path, {"year": year}).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/tasks/new/?entry=²", "/inspections/merges/?task=²", "/inspectors/recusals/?inspector=²"],
)
def test_an_id_parameter_that_is_not_a_number_is_a_404_or_ignored(login, coordinator, path):
    assert login(coordinator).get(path).status_code in (200, 404)


def test_merge_actions_with_odd_ids_are_404(login, coordinator):
    client = login(coordinator)
    assert client.post("/inspections/merges/confirm/", {"visits": ["1", "²"]}).status_code == 404
    assert client.post("/inspections/merges/decline/", {"visits": ["1"], "merged_visit": "²"}).status_code == 404


def test_a_json_body_nested_too_deep_is_a_400(login, coordinator):
    body = "[" * 100_000 + "]" * 100_000
    response = login(coordinator).post("/api/v1/tasks/", body, content_type="application/json")
    assert response.status_code == 400
    assert not Task.objects.exists()
