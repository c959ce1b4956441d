"""The task form's POST data, in one place: its team slots are rows of a formset (issue 12,
item 1), posted as ``slots-<n>-name``, ``slots-<n>-dept``, ``slots-<n>-quals`` (codes, as the
options' values) and ``slots-lead`` (the leading row's number)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from typing import Any

PREFIX = "slots"


def slot_rows(slots: Iterable[Mapping[str, Any]], lead_slot: str | None = None) -> dict[str, Any]:
    """POST data of slot dicts (name, dept, quals: the service's format); ``lead_slot`` names
    the leading slot (None: the first; "": no row chosen)."""
    slots = list(slots)
    names = [s["name"] for s in slots]
    data: dict[str, Any] = {
        f"{PREFIX}-TOTAL_FORMS": str(len(slots)),
        f"{PREFIX}-INITIAL_FORMS": "0",
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "20",
    }
    for n, slot in enumerate(slots):
        data[f"{PREFIX}-{n}-name"] = slot["name"]
        data[f"{PREFIX}-{n}-dept"] = slot["dept"]
        data[f"{PREFIX}-{n}-quals"] = list(slot.get("quals") or [])
    lead = names[0] if lead_slot is None and names else lead_slot
    if lead in names:
        data[f"{PREFIX}-lead"] = str(names.index(lead))
    return data


class _FormFields(HTMLParser):
    """The successful controls of one form, as a browser submits them."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.in_template = form_id, False, 0
        self.fields: dict[str, list[str]] = {}
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None

    def _add(self, name: str | None, value: str) -> None:
        if name:
            self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v if v is not None else "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "template":  # the JavaScript's empty row: not part of the form
            self.in_template += 1
        if self.in_template or "disabled" in a:
            return
        kind = a.get("type", "text").lower()
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a:
                self._add(a.get("name"), a.get("value", "on"))
        elif tag == "input" and kind not in ("submit", "button", "reset", "file", "image"):
            self._add(a.get("name"), a.get("value", ""))
        elif tag == "select":
            self.select, self.select_first, self.select_chosen = a.get("name"), None, False
            self.multiple = "multiple" in a
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in a:
                self._add(self.select, value)
                self.select_chosen = True
        elif tag == "textarea":
            self.textarea = a.get("name")
            self._add(self.textarea, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "template" and self.in_template:
            self.in_template -= 1
        elif tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select:
            if not self.select_chosen and not self.multiple and self.select_first is not None:
                self._add(self.select, self.select_first)
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.inside and self.textarea and not self.in_template:
            self.fields[self.textarea][-1] += data.removeprefix("\n") if not self.fields[self.textarea][-1] else data


def form_fields(html: str, form_id: str = "task-form") -> dict[str, Any]:
    """What submitting the form ``form_id`` of ``html`` unchanged would post (a name given
    several values maps to their list); without the CSRF token (the test client needs none)."""
    parser = _FormFields(form_id)
    parser.feed(html)
    data = {name: values[0] if len(values) == 1 else values for name, values in parser.fields.items()}
    data.pop("csrfmiddlewaretoken", None)
    return data
