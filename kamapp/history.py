"""The audit trail in plain language: one sentence per event ("Aisha Khan logged a meeting
with Hannah Moreau"), its changes with names instead of ids, internal fields left out.

Each app registers the sentences of the verbs it records (`register`, from its `ready`), so
this module names no app; a test fails for a recorded verb without a sentence. A sentence is a
format string over `{actor}`, `{object}` and the event's `changes` (the new value of a pair),
with two formats of our own: `{kind:lower}` and `{contacts:with}` (" with …", or nothing).
"""

import datetime
import string
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import ForeignObjectRel, QuerySet
from django.utils import timezone

from kamapp.inputs import SafeInputs
from kamapp.members import paginate
from kamapp.models import AuditEvent, Membership, Tenant, TenantModel, User

SENTENCES: dict[str, str] = {}
TOPICS: dict[str, str] = {}  # a verb's first part -> what the filter calls it
# Bookkeeping, not something a reader of the history acts on.
HIDDEN = {"id", "tenant", "account", "nonce", "logged_by", "recorded_by", "author", "plan"}
SYSTEM = "kamapp"


def register(sentences: dict[str, str], topics: dict[str, str]) -> None:
    SENTENCES.update(sentences)
    TOPICS.update(topics)


def has_sentence(verb: str) -> bool:
    return verb in SENTENCES


@dataclass(frozen=True)
class Entry:
    """One event as the history shows it."""

    event: AuditEvent
    sentence: str
    details: list[tuple[str, str]]


class _Sentence(string.Formatter):
    def get_value(self, key, args, kwargs):
        return kwargs.get(key, "")

    def format_field(self, value, format_spec: str) -> str:
        text = str(value)
        if format_spec == "lower":
            return text.lower()
        if format_spec == "with":
            return f" with {text}" if text else ""
        return super().format_field(text, format_spec)


def entries(events: Sequence[AuditEvent], tenant: Tenant) -> list[Entry]:
    """The events in plain language. The ids in their changes become names with one query per
    kind of object named on the page, whatever the number of events."""
    names = _names(events, tenant)
    return [_entry(event, names) for event in events]


def _model(event: AuditEvent) -> type[models.Model] | None:
    try:
        return apps.get_model(event.object_type) if event.object_type else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return None if isinstance(field, ForeignObjectRel) else field  # a key named like a reverse


def _ids(value) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [int(v) for v in values if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]


def _pair(value) -> tuple[object, object] | None:
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    return None


def _names(events: Iterable[AuditEvent], tenant: Tenant) -> dict[type, dict[int, str]]:
    wanted: dict[type, set[int]] = defaultdict(set)
    for event in events:
        model = _model(event)
        if model is Membership:  # its text is an email and a role: name the person
            wanted[Membership].update(_ids(event.object_id))
        for key, value in event.changes.items():
            field = _field(model, key)
            if key in HIDDEN or field is None or not field.is_relation:
                continue
            for part in _pair(value) or (value,):
                wanted[field.related_model].update(_ids(part))
    return {model: _load(model, ids, tenant) for model, ids in wanted.items() if ids}


def _load(model: type[models.Model], ids: set[int], tenant: Tenant) -> dict[int, str]:
    if model is Membership:
        rows = Membership.objects.for_tenant(tenant).filter(pk__in=ids)
        return dict(rows.values_list("pk", "user__full_name"))
    if model is User:
        return dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    rows = model._default_manager.filter(pk__in=ids)
    if issubclass(model, TenantModel):
        rows = rows.filter(tenant=tenant)
    return {row.pk: str(row) for row in rows}


def _shown(field: models.Field | None, value, names: dict[type, dict[int, str]]) -> str:
    """A stored value as a reader expects it: a name for an id, a label for a choice."""
    if value is None or value == "" or value == []:
        return ""
    if field is not None and field.is_relation:
        found = names.get(field.related_model, {})
        ids = _ids(value)
        if not ids:
            return str(value)  # stored before ids were kept: already a text
        return ", ".join(found.get(pk, "(removed)") for pk in ids)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):  # a settings blob: its top-level values, not the nesting
        shown = {k: "—" if v is None else v for k, v in value.items()}
        return ", ".join(f"{k}: {v}" for k, v in shown.items() if not isinstance(v, dict | list))
    return str(value)


def _label(field: models.Field | None, key: str) -> str:
    name = str(field.verbose_name) if field is not None else key.removesuffix("_id")
    name = name.replace("_", " ")
    return name[:1].upper() + name[1:]


def _entry(event: AuditEvent, names: dict[type, dict[int, str]]) -> Entry:
    model = _model(event)
    values: dict[str, str] = {}
    details: list[tuple[str, str]] = []
    for key, value in event.changes.items():
        field = _field(model, key)
        pair = _pair(value) if field is not None else None
        if pair is None:
            values[key] = _shown(field, value, names)
            if key not in HIDDEN and values[key]:
                details.append((_label(field, key), values[key]))
            continue
        old, new = (_shown(field, part, names) for part in pair)
        values[key] = new
        if key not in HIDDEN and (old or new):
            details.append((_label(field, key), f"{old} → {new}" if old else new))
    actor = (event.actor.full_name or event.actor.email) if event.actor else SYSTEM
    template = SENTENCES.get(event.verb, "{actor}: " + event.verb.replace("_", " "))
    shown = event.object_repr
    if model is Membership:
        shown = names.get(Membership, {}).get(int(event.object_id), shown)
    sentence = _Sentence().format(template, **values, actor=actor, object=shown)
    return Entry(event, sentence, details)


class HistoryFilter(SafeInputs, forms.Form):
    """Who, what and when, for the audit log and an account's history."""

    who = forms.ChoiceField(required=False, label="Who")
    what = forms.ChoiceField(required=False, label="What")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        people = Membership.objects.for_tenant(tenant).values_list("user_id", "user__full_name")
        self.fields["who"].choices = [
            ("", "Anyone"),
            ("system", SYSTEM),
            *sorted(((str(pk), name) for pk, name in people), key=lambda choice: choice[1]),
        ]
        self.fields["what"].choices = [
            ("", "Everything"),
            *sorted(TOPICS.items(), key=lambda choice: choice[1]),
        ]

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """The events that match (all of them when the filter is empty or invalid)."""
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["who"] == "system":
            events = events.filter(actor=None)
        elif data["who"]:
            events = events.filter(actor_id=int(data["who"]))
        if data["what"]:
            events = events.filter(verb__startswith=data["what"] + ".")
        if data["since"]:
            events = events.filter(created_at__gte=_start_of(data["since"]))
        if data["until"]:
            events = events.filter(created_at__lt=_start_of(data["until"], days=1))
        return events


def listing(request, events: QuerySet[AuditEvent], tenant: Tenant, per_page: int = 50) -> dict:
    """The template context of a history page: its filters, the page and its entries."""
    filters = HistoryFilter(request.GET or None, tenant=tenant)
    page = paginate(request, filters.apply(events.select_related("actor")), per_page)
    return {"filters": filters, "page": page, "entries": entries(page.object_list, tenant)}


def _start_of(day: datetime.date, days: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()), None) + (
        datetime.timedelta(days=days)
    )


register(
    {
        "membership.update": "{actor} changed the role, manager or title of {object}",
        "membership.activate": "{actor} reactivated {object}",
        "membership.deactivate": "{actor} deactivated {object}",
        "invitation.create": "{actor} invited {object} as {role}",
        "invitation.accept": "{actor} accepted the invitation and joined as {role}",
        "invitation.revoke": "{actor} withdrew the invitation to {object}",
        "rls.bypass": "{actor} looked across organisations for maintenance: {reason}",
    },
    {"membership": "Members", "invitation": "Invitations", "rls": "Maintenance"},
)
