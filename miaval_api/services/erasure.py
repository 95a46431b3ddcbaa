"""Erasing a person (Ley 25.326, art. 16): the account in the database, their conversations, their e-mails.

The one place that says what deleting an account reaches beyond the database
(which ``accounts.delete_account`` says).
"""

from __future__ import annotations

import logging

from conversation_facts import retention as facts
from miaval_api import mail
from miaval_api.context import AppContext
from miaval_api.services import accounts, clock, conversations
from miaval_api.services.accounts import Deletion

log = logging.getLogger(__name__)


def erase_account(app: AppContext, sender_id: str) -> Deletion:
    """Delete the account behind ``sender_id`` and everything about the person.

    Conversations of every chat identity of the account are erased in the same
    transaction (if that fails, nothing is deleted and the caller may retry);
    the current one keeps only what comes after (its goodbye). Then the e-mails
    written to the outbox for the address go, and SQLite's log is emptied.
    """
    settings = app.settings
    with app.db.session(write=True) as session:
        deletion = accounts.delete_account(session, settings, accounts.resolve_user(session, settings, sender_id))
        session.flush()
        if conversations.configured(settings):
            conversations.erase(settings, deletion.sender_ids, clock.now())
            facts.erase(session, conversations.row_keys(settings, deletion.sender_ids))
        else:
            log.warning("account deleted, conversations NOT erased: TRACKER_STORE_URL/TRACKER_SENDER_KEY unset")
    mail.forget_mail_to(settings.outbox_dir, deletion.email)
    app.db.compact()
    return deletion
