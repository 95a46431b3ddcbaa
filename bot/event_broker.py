"""Rasa's own pika event broker, switched by a variable: endpoints.yml names it for every profile.

Rasa has no "no broker" type, and endpoints.yml's ``${VARS}`` cannot remove a
section; an empty ``EVENT_BROKER_HOST`` (the embedded default) gives no broker,
a host gives Rasa's ``PikaEventBroker`` unchanged.
"""

from __future__ import annotations

from asyncio import AbstractEventLoop
from typing import Optional

from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig


class OptionalPikaBroker(PikaEventBroker):
    """``PikaEventBroker`` when the endpoint has a host; none otherwise."""

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: Optional[EndpointConfig], event_loop: Optional[AbstractEventLoop] = None
    ) -> Optional[PikaEventBroker]:
        """Rasa's pika broker for ``broker_config``, or None when its host (``url``) is empty."""
        if broker_config is None or not (broker_config.url or "").strip():
            return None
        return await PikaEventBroker.from_endpoint_config(broker_config, event_loop)
