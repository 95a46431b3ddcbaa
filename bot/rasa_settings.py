"""Every setting of the Rasa server: each environment variable declared once (name, default, secret or not).

Rasa reads the first ones itself, as the ``${VARS}`` of ``endpoints.yml`` (a
test checks that the two lists match); ``launcher/rasa_main.py`` reads the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from conversation_store.settings import StoreSettings
from envsettings import env, read
from hop_auth.shared_secrets import ACTION_SERVER_TOKEN, RASA_CHANNEL_SECRET

# The lock store of several replicas (LOCK_STORE_TYPE).
SHARED_LOCK_STORE = "bot.lock_store.LeasedRedisLockStore"


@dataclass(frozen=True)
class Settings(StoreSettings):
    """Settings of the Rasa server process: the conversation store's (``tracker_store_url``...) and these."""

    # endpoints.yml: the action server's webhook, e.g. http://127.0.0.1:5055/webhook
    action_endpoint_url: str = env("ACTION_ENDPOINT_URL", doc="endpoints.yml")
    # credentials.yml: the HMAC key of the gateway's signed channel (bot/gateway_channel.py).
    rasa_channel_secret: str = env(RASA_CHANNEL_SECRET, secret=True, generated=True, doc="credentials.yml")
    # endpoints.yml: the bearer token Rasa sends the action server.
    action_server_token: str = env(ACTION_SERVER_TOKEN, secret=True, generated=True, doc="endpoints.yml")
    # endpoints.yml: Rasa's lock store, "in_memory" (one Rasa) or SHARED_LOCK_STORE (replicas; the production
    # profile: Redis, with leases that a dead replica stops renewing, bot/lock_store.py).
    lock_store_type: str = env("LOCK_STORE_TYPE", "in_memory", doc="endpoints.yml")
    lock_store_host: str = env("LOCK_STORE_HOST", "127.0.0.1", doc="endpoints.yml")
    lock_store_port: int = env("LOCK_STORE_PORT", 6379, doc="endpoints.yml")
    # endpoints.yml: RabbitMQ, where Rasa publishes every conversation event (pika); empty host: no broker.
    event_broker_host: str = env("EVENT_BROKER_HOST", "", doc="endpoints.yml")
    event_broker_port: int = env("EVENT_BROKER_PORT", 5672, doc="endpoints.yml")
    event_broker_username: str = env("EVENT_BROKER_USERNAME", "guest", doc="endpoints.yml")
    event_broker_password: str = env("EVENT_BROKER_PASSWORD", "guest", secret=True, doc="endpoints.yml")
    event_broker_queue: str = env("EVENT_BROKER_QUEUE", "miaval_events", doc="endpoints.yml")
    # Read by Rasa: seconds a conversation's lock lives in its in-memory and plain Redis lock stores (not in
    # SHARED_LOCK_STORE, whose tickets live a renewed lease: bot/lock_store.py).
    lock_lifetime: int = env("TICKET_LOCK_LIFETIME", 60, doc="read by Rasa")
    # The replay nonces of the gateway's channel: empty keeps them in this process, redis://... shares them.
    shared_state_url: str = env("SHARED_STATE_URL", "")
    # 0 runs Rasa without launcher.rasa_main's speed-ups (before/after measurements).
    speedups: bool = env("MIAVAL_RASA_SPEEDUPS", True)
    # Where a replica keeps the traced prediction graphs of its model for the next start (launcher/prediction_graphs.py;
    # relative to the working directory). MIAVAL_RASA_SPEEDUPS=0 traces them at every start, as Rasa does.
    prediction_graphs: str = env("MIAVAL_RASA_PREDICTION_GRAPHS", "var/rasa-models/prediction-graphs")
    # Read by Rasa when it starts: TensorFlow's thread pools. One thread each, unless MIAVAL_RASA_SPEEDUPS=0
    # (then TensorFlow's own, one per core): Rasa runs one small model on one message at a time, and more
    # threads only cost CPU in handing work over (per parse 15.0 -> 11.6 CPU ms, per TED prediction 9.2 -> 7.3).
    tf_intra_op_threads: int = env("TF_INTRA_OP_PARALLELISM_THREADS", 1, doc="read by Rasa")
    tf_inter_op_threads: int = env("TF_INTER_OP_PARALLELISM_THREADS", 1, doc="read by Rasa")
    # A file: Rasa runs under cProfile and writes its statistics there when it stops (profiling, e.g. under
    # `python -m benchmarks.run --env rasa:MIAVAL_RASA_PROFILE=/tmp/rasa.prof`); empty, no profiling.
    profile_file: str = env("MIAVAL_RASA_PROFILE", "")

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> Settings:
        """Read the settings from the environment."""
        return read(cls, environ)
