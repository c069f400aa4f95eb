"""The progress of a recalculation someone started from the page: a small state in the cache,
written by the task as it goes and polled by the page."""

import uuid
from dataclasses import dataclass

from django.core.cache import cache

TTL = 60 * 60


@dataclass(frozen=True)
class Job:
    tenant_id: int
    id: str  # empty for a run nobody watches: it reports nothing

    @classmethod
    def start(cls, tenant_id: int) -> "Job":
        job = cls(tenant_id, uuid.uuid4().hex)
        job.set(state="queued")
        return job

    @property
    def key(self) -> str:
        return f"health-job:{self.tenant_id}:{self.id}"

    def state(self) -> dict | None:
        return cache.get(self.key)

    def set(self, **state) -> None:
        if self.id:
            cache.set(self.key, state, TTL)

    def progress(self, step: str, done: int, total: int) -> None:
        self.set(state="running", step=step, done=done, total=total)
