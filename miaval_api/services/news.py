"""Whether Aval's news (claim updates, executives' messages) reach the customer unasked."""

from __future__ import annotations

from typing import Optional

from sqlalchemy.orm import Session

from miaval_api.services import accounts, audit
from miaval_api.settings import Settings


def set_news(session: Session, settings: Settings, sender_id: Optional[str], opt_out: bool) -> bool:
    """Stop (``opt_out``) or resume the news Aval sends the verified user unasked; the new value."""
    user = accounts.resolve_user(session, settings, sender_id)
    if user.news_opt_out != opt_out:
        user.news_opt_out = opt_out
        audit.record(session, "stop_news" if opt_out else "resume_news", user.id)
    return user.news_opt_out
