"""Sending Celery messages once a transaction commits, without letting a broker outage turn
a saved change into an error page. The work's row is written first, so a message that could
not be sent only delays it: the beat sweeps (`requeue_mail`, `requeue_packets`) and the
hourly health run pick up what is left."""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


def send_on_commit(task, *args, **kwargs) -> None:
    """Queue `task` (a task or its registered name) when the current transaction commits."""
    name = getattr(task, "name", task)

    def publish() -> None:
        try:
            current_app.signature(name, args=args, kwargs=kwargs).delay()
        except (BrokerError, ConnectionError) as error:
            logger.warning("%s not queued (%s): its row waits for the next sweep", name, error)

    transaction.on_commit(publish)
