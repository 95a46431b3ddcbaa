"""The conversation facts consumer's settings: each environment variable declared once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from conversation_store.settings import ENCRYPTION_KEYS, SENDER_KEY
from envsettings import env, read
from miaval_api.settings import database_url


@dataclass(frozen=True)
class Settings:
    """Where the events come from (RabbitMQ, or the conversation store when no broker host is set) and go."""

    database_url: str = env("DATABASE_URL", "sqlite:///var/miaval.db", secret=True)
    # The conversation store: the embedded profile reads its events there; both profiles read its erasures.
    tracker_store_url: str = env("TRACKER_STORE_URL", "sqlite:///var/rasa/tracker.db", secret=True)
    tracker_encryption_keys: tuple[str, ...] = env(ENCRYPTION_KEYS, (), secret=True, generated=True)
    tracker_sender_key: str = env(SENDER_KEY, secret=True, generated=True)
    # RabbitMQ (the production profile): the queue Rasa's event broker publishes to. Empty host: no broker.
    event_broker_host: str = env("EVENT_BROKER_HOST", "")
    event_broker_port: int = env("EVENT_BROKER_PORT", 5672)
    event_broker_username: str = env("EVENT_BROKER_USERNAME", "guest")
    event_broker_password: str = env("EVENT_BROKER_PASSWORD", "guest", secret=True)
    event_broker_queue: str = env("EVENT_BROKER_QUEUE", "miaval_events")
    # The consumer's own queue, bound to Rasa's fanout exchange beside EVENT_BROKER_QUEUE (which others read: a
    # shared queue would split the events between its readers). Empty: EVENT_BROKER_QUEUE + ".facts".
    facts_queue: str = env("FACTS_QUEUE", "")
    # A customer message understood with less confidence than this goes to the review queue.
    review_below_confidence: float = env("REVIEW_BELOW_CONFIDENCE", 0.6)
    # Where the review queue's export writes (relative to the repository): training data and the held-out share.
    reviewed_nlu_file: str = env("REVIEWED_NLU_FILE", "bot/data/nlu/reviewed.yml")
    reviewed_heldout_file: str = env("REVIEWED_HELDOUT_FILE", "tests/nlu/heldout_reviewed.yml")
    # How often the conversation store is read for new events (embedded profile), in seconds.
    poll_seconds: float = env("FACTS_POLL_SECONDS", 2.0)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **overrides: Any) -> Settings:
        """Read the environment (this process's unless given), then apply ``overrides``."""
        return read(cls, environ, **overrides)

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", database_url(self.database_url))
        object.__setattr__(self, "tracker_store_url", database_url(self.tracker_store_url))
        if not self.facts_queue:
            object.__setattr__(self, "facts_queue", f"{self.event_broker_queue}.facts")
