"""The progress of a recalculation someone started from the page: a small state in the cache,
written by the task as it goes and polled by the page. Best effort: with Redis unreachable
the page says so (the hourly run scores every account anyway), and a state that stopped
moving for longer than a task may run is a dead worker's."""

import time
import uuid
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

TTL = 60 * 60
UNREACHABLE = (RedisError, ConnectionError, OSError)


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
        try:
            state = cache.get(self.key)
        except UNREACHABLE:
            return {"state": "unreachable"}
        moving = state and state["state"] in ("queued", "running")
        if moving and time.time() - state.get("at", 0) > settings.CELERY_TASK_TIME_LIMIT + 60:
            return {**state, "state": "lost"}
        return state

    def set(self, **state) -> None:
        if not self.id:
            return
        with suppress(UNREACHABLE):  # progress is a courtesy: the run itself goes on
            cache.set(self.key, {**state, "at": time.time()}, TTL)

    def progress(self, step: str, done: int, total: int) -> None:
        self.set(state="running", step=step, done=done, total=total)
