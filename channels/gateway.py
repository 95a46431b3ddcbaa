"""The gateway's long-lived parts, built once per process from the settings."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from flask import current_app

from api_client import MiAvalClient
from channels.assistant import Assistant
from channels.choices import CallbackKeys, ChoiceMemory
from channels.dedup import DeliveryLog, make_engine
from channels.outbox import offered_in_outbox
from channels.rasa import RasaClient
from channels.ratelimit import RateLimiter
from channels.settings import Settings
from shared_state import state_from_url

if TYPE_CHECKING:
    from channels.telegram.runtime import TelegramRuntime

EXTENSION_KEY = "miaval_gateway"


@dataclass
class Gateway:
    settings: Settings
    api: MiAvalClient
    assistant: Assistant
    deliveries: DeliveryLog
    callback_keys: CallbackKeys = field(default_factory=CallbackKeys)
    telegram: Optional[TelegramRuntime] = None
    # Work that may outlive the request that started it (a WhatsApp answer past Twilio's window).
    workers: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=16, thread_name_prefix="gateway")
    )


def build_gateway(settings: Settings) -> Gateway:
    """Clients, limits and memories shared by every channel of this process."""
    api = MiAvalClient(settings.api_url, settings.api_token, timeout=settings.api_timeout)
    # Shared by this process's threads, or by every worker when it is Redis (SHARED_STATE_URL).
    state = state_from_url(settings.shared_state_url)
    deliveries = DeliveryLog(make_engine(settings.database_url))
    assistant = Assistant(
        rasa=RasaClient(settings.rasa_replicas, settings.rasa_channel_secret, settings.rasa_timeout),
        api=api,
        limiter=RateLimiter(settings.rate_limit_per_minute, state=state),
        choices=ChoiceMemory(state),
        max_upload_bytes=settings.max_upload_bytes,
        offered_by_aval=lambda sender_id, payload: offered_in_outbox(deliveries.engine, sender_id, payload),
    )
    return Gateway(
        settings=settings, api=api, assistant=assistant, deliveries=deliveries, callback_keys=CallbackKeys(state)
    )


def current_gateway() -> Gateway:
    """The gateway of the Flask application handling this request."""
    return current_app.extensions[EXTENSION_KEY]
