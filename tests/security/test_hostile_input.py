"""The hostile-input sweep: every form the app shows, posted with hostile values.

Every tenant page found by walking the URLconf (as the cross-tenant sweep does) and the public
pages are fetched as an admin, a supervisor and a KAM; each `<form method="post">` (and each
htmx `hx-post` on a form or a field) in the HTML is posted again and again with one kind of
hostile value in its fields — oversized, NUL bytes, control characters and line breaks, wrong
types, dates far in the future or past, huge and non-finite numbers, bytes that are not UTF-8 —
and every GET form (filters, search) is sent the same. No answer may be a 5xx: a form error,
a 4xx or a redirect with a message are all fine. New forms are covered without editing this
file. Each page's requests run in a savepoint that is rolled back, so what one form deletes or
archives does not hide the next one's.
"""

import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import SurveyRequest
from tests.security.test_cross_tenant import ROUTES, fill, populate

TEXT_TYPES = {"text", "textarea", "email", "url", "search", "tel", "password"}
SKIP_ACTIONS = {"/logout/"}
DATE_NAME = re.compile(r"date|_on$|start|end|due|until")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # name -> (type, value)
    hx_posts: list[str] = field(default_factory=list)
    required: set[str] = field(default_factory=set)

    def add(self, name: str, kind: str, value: str) -> None:
        self.fields.setdefault(name, []).append((kind, value))

    def signature(self) -> tuple:
        return (re.sub(r"\d+", "N", self.action), self.method, tuple(sorted(self.fields)))


class FormParser(HTMLParser):
    """`<form>`s with their fields, the value each would send and its kind; a field with its
    own `hx-post` (a select that posts on change) becomes a one-field form."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: tuple[str, list[str], list[str]] | None = None  # name, options, selected
        self.textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            method = (a.get("method") or "get").lower()
            action = a.get("hx-post") or a.get("action") or self.page
            self.form = Form(action=action, method="post" if a.get("hx-post") else method)
            return
        if "hx-post" in a and tag not in {"input", "select", "textarea"} and self.form:
            self.form.hx_posts.append(a["hx-post"])
        target = self.form
        if "hx-post" in a and tag in {"input", "select", "textarea"}:
            target = Form(action=a["hx-post"], method="post")
            self.forms.append(target)
        name = a.get("name")
        if target is None or not name:
            return
        if "required" in a:
            target.required.add(name)
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                return
            if kind in {"checkbox", "radio"}:
                target.add(name, kind, a.get("value", "on") if "checked" in a else "")
                if "checked" not in a:
                    target.fields[name][-1] = (kind, "")
                    target.add(name, f"{kind}-option", a.get("value", "on"))
                return
            target.add(name, kind, a.get("value", ""))
        elif tag == "select":
            self.select = (name, [], [])
            self._select_target = target
            self._multiple = "multiple" in a
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.select[1].append(value)
            if "selected" in a:
                self.select[2].append(value)
        elif tag == "textarea":
            self.textarea = (name, [])
            self._textarea_target = target

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.form:
            self.forms.append(self.form)
            for url in self.form.hx_posts:
                self.forms.append(Form(url, "post", self.form.fields, required=self.form.required))
            self.form = None
        elif tag == "select" and self.select:
            name, options, selected = self.select
            chosen = selected or [next((o for o in options if o), "")]
            kind = "select-multiple" if self._multiple else "select"
            for value in chosen:
                self._select_target.add(name, kind, value)
            self.select = None
        elif tag == "textarea" and self.textarea:
            self._textarea_target.add(self.textarea[0], "textarea", "".join(self.textarea[1]))
            self.textarea = None


def baseline(form: Form) -> dict[str, list]:
    """What a user filling the form in plainly would send: its values, blanks filled in."""
    data: dict[str, list] = {}
    for name, entries in form.fields.items():
        values = []
        for kind, value in entries:
            if kind.endswith("-option"):
                if not any(v for k, v in entries if not k.endswith("-option")) and not values:
                    values.append(value)
                continue
            if value or kind in {"checkbox", "radio", "hidden", "select-multiple"}:
                if value:
                    values.append(value)
                continue
            values.append(
                {
                    "email": "sweep@example.com",
                    "url": "https://example.com/",
                    "number": "1",
                    "date": datetime.date.today().isoformat(),
                    "file": "",
                }.get(kind, "Sweep value")
            )
        data[name] = values
    return data


def kinds(form: Form, name: str) -> set[str]:
    return {kind.removesuffix("-option") for kind, _ in form.fields[name]}


def variants(form: Form) -> dict[str, dict[str, list]]:
    """One payload per kind of hostile value, applied to every field it fits."""
    base = baseline(form)
    names = list(form.fields)
    text = [n for n in names if kinds(form, n) & TEXT_TYPES]
    dates = [
        n for n in names if "date" in kinds(form, n) or re.search(r"date|_on$|start|end|due", n)
    ]
    numbers = [n for n in names if "number" in kinds(form, n)]

    def swap(targets, value) -> dict[str, list]:
        return base | {n: [value(base[n][0] if base[n] else "")] for n in targets}

    payloads = {
        "empty": {n: [""] for n in names},
        "oversized": swap(text, lambda v: "x" * 20_000),
        "nul": swap(names, lambda v: f"{v}\x00"),
        "control and line breaks": swap(text, lambda v: f"{v}\r\nBcc: evil@example.com\x1b\x07"),
        "wrong types": swap(names, lambda v: "not-a-value'\"<>"),
        "not utf-8": swap(names, lambda v: b"\xff\xfe\xc3("),
    }
    for name in dates:  # one at a time, optional others blank: they may be computed from it
        others = {n: [""] for n in dates if n != name and n not in form.required}
        payloads[f"{name} far in the future"] = base | others | {name: ["9999-12-31"]}
    if dates:
        payloads["far past"] = swap(dates, lambda v: "0001-01-01")
        payloads["impossible date"] = swap(dates, lambda v: "2025-02-30")
    for number in ("1e30", "NaN", "Infinity", "-99999999999999999999999"):
        if numbers:
            payloads[number] = swap(numbers, lambda v, number=number: number)
    return payloads


def encoded(payload: dict[str, list], form: Form) -> dict:
    data = {}
    for name, values in payload.items():
        if "file" in kinds(form, name):
            content = values[0] if values and isinstance(values[0], bytes) else b"\xff\xfe,\x00"
            data[name] = SimpleUploadedFile("hostile.csv", content, content_type="text/csv")
        else:
            data[name] = values
    return data


def hostile_query(form: Form) -> list[str]:
    """Query strings for a GET form: each hostile value in every field, percent-encoded."""
    names = list(form.fields) or ["q"]
    values = ["\x00", "x" * 5_000, "not-a-value'\"<>", "-1", "9999-12-31"]
    queries = [urlencode({n: value for n in names}) for value in values]
    queries.append("&".join(f"{n}=%FF%FE%00" for n in names))  # not UTF-8
    return queries


def local(url: str) -> str | None:
    parts = urlsplit(url)
    return None if parts.netloc and parts.netloc != "testserver" else parts.path


@dataclass
class Sweep:
    failures: list[str] = field(default_factory=list)
    seen: set = field(default_factory=set)
    requests: int = 0

    def check(self, client: Client, method: str, url: str, what: str, **kwargs) -> None:
        self.requests += 1
        try:
            response = getattr(client, method)(url, **kwargs)
        except Exception as exc:  # the test client re-raises what the view raised
            self.failures.append(f"{method.upper()} {url} [{what}]: {exc!r}"[:400])
            return
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {url} [{what}]: {response.status_code}")
        elif method == "post" and response.status_code in {301, 302, 303}:
            # what the form saved must not break the page it leads to
            self.check(client, "get", local(response["Location"]) or "/", f"{what}, then GET")

    def page(self, client: Client, url: str) -> None:
        try:
            response = client.get(url, follow=True)
        except Exception as exc:
            self.failures.append(f"GET {url}: {exc!r}"[:400])
            return
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        url = response.request["PATH_INFO"]  # e.g. the password reset's set-password page
        parser = FormParser(url)
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = local(form.action) or url
            if action in SKIP_ACTIONS or form.signature() in self.seen:
                continue
            self.seen.add(form.signature())
            if form.method == "get":
                for query in hostile_query(form):
                    self.check(client, "get", f"{action}?{query}", "hostile query")
                continue
            for i, (what, payload) in enumerate(variants(form).items()):
                htmx = {"HX-Request": "true"} if i % 2 else {}  # both paths, half the time
                self.check(client, "post", action, what, data=encoded(payload, form), headers=htmx)


def public_pages(org) -> list[str]:
    user = org.admin.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    survey = SurveyRequest.objects.filter(tenant=org.tenant).order_by("pk").first()
    return [
        "/login/",
        "/password-reset/",
        f"/password-reset/{uid}/{default_token_generator.make_token(user)}/",
        f"/invite/{org.invitation.token()}/",
        f"/s/{survey.token()}/",
    ]


@pytest.mark.django_db
def test_no_form_answers_hostile_input_with_a_server_error(org_a):
    populate(org_a)
    sweep = Sweep()
    for url in public_pages(org_a):
        with transaction.atomic():
            sweep.page(Client(), url)
            transaction.set_rollback(True)
    pages = [fill(route, org_a.tenant.slug, org_a.tenant) for route in ROUTES]
    for role in ("admin", "supervisor", "kam"):
        client = Client()
        client.force_login(org_a.members[role].user)
        for url in pages:
            with transaction.atomic():
                sweep.page(client, url)
                transaction.set_rollback(True)
    assert len(sweep.seen) > 40, sweep.seen  # the sweep found the forms
    print(sweep.requests, len(sweep.seen))
    print("\n".join(map(str, sorted(sweep.seen))))
    assert not sweep.failures, "\n".join(sweep.failures)
