"""The audit trail: every write path calls `record`, or `record_change` for an edit."""

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import models
from django.forms.models import model_to_dict

from kamapp.models import AuditEvent
from kamapp.rls import bypass_scope

logger = logging.getLogger(__name__)


def record(tenant, actor, verb: str, obj: models.Model | None = None, changes=None) -> AuditEvent:
    """Write one audit event. A model's `audit_scope` (e.g. {"account": 7}) is stored in
    `changes` too, so the history of a parent can find its children's events."""
    changes = {**(changes or {}), **getattr(obj, "audit_scope", {})}
    return AuditEvent.objects.create(
        tenant=tenant,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes,
    )


def snapshot(obj: models.Model, fields: Sequence[str] | None = None) -> dict:
    """What an edit is compared on: the named attributes, or every editable field but the id
    and the tenant (foreign keys as ids). Take it before a form writes into the instance."""
    if fields is None:
        return model_to_dict(obj, exclude=["id", "tenant"])
    return {field: getattr(obj, field) for field in fields}


def changes(
    before: models.Model | dict | None, obj: models.Model, fields: Sequence[str] | None = None
) -> dict:
    """{field: [old, new]} between `before` (an instance, its snapshot, or None for a new
    row) and `obj` now."""
    if isinstance(before, models.Model):
        before = snapshot(before, fields)
    return diff(before or {}, snapshot(obj, fields))


def record_change(
    tenant,
    actor,
    verb: str,
    obj: models.Model,
    before: models.Model | dict | None,
    fields: Sequence[str] | None = None,
) -> dict:
    """Record an edit of `obj` (or its creation, `before=None`) with what changed."""
    found = changes(before, obj, fields)
    record(tenant, actor, verb, obj, found)
    return found


@contextmanager
def rls_bypass(reason: str, actor=None) -> Iterator[None]:
    """See every tenant's rows, for migrations and explicit maintenance only; audited."""
    with bypass_scope():
        logger.warning("RLS bypass: %s", reason)
        record(None, actor, "rls.bypass", changes={"reason": reason})
        yield


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed, as JSON-safe strings."""
    return {
        key: [_plain(before.get(key)), _plain(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):  # a many-to-many field: its rows' ids
        return [_plain(item.pk if isinstance(item, models.Model) else item) for item in value]
    return str(value)
