"""Rasa's own pika event broker, switched by a variable: endpoints.yml names it for every profile.

Rasa has no "no broker" type, and endpoints.yml's ``${VARS}`` cannot remove a
section; an empty ``EVENT_BROKER_HOST`` (the embedded default) gives no broker,
a host gives Rasa's ``PikaEventBroker`` with one change: the events that could
not be published while RabbitMQ was down are published again after the next
event that goes through. Rasa keeps them and publishes them again only in the
connection's reconnect callback, whose publications can fail too while the
restarted RabbitMQ settles; those stayed unpublished for good (the fault test
under load lost every event of a RabbitMQ restart that way).
"""

from __future__ import annotations

from asyncio import AbstractEventLoop
from typing import Any, Optional

from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig


class OptionalPikaBroker(PikaEventBroker):
    """``PikaEventBroker`` when the endpoint has a host; none otherwise."""

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: Optional[EndpointConfig], event_loop: Optional[AbstractEventLoop] = None
    ) -> Optional[PikaEventBroker]:
        """This broker for ``broker_config``, or None when its host (``url``) is empty."""
        if broker_config is None or not (broker_config.url or "").strip():
            return None
        return await super().from_endpoint_config(broker_config, event_loop)

    async def _publish(self, event: dict[str, Any], headers: Optional[dict[str, str]] = None) -> None:
        await super()._publish(event, headers)
        went_through = not any(kept is event for kept in self._unpublished_events)  # Rasa keeps what failed
        if went_through and self._unpublished_events:
            self._publish_unpublished_messages()  # RabbitMQ takes events again: the kept ones go now
