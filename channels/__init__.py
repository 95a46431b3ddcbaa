"""The channel gateway: WhatsApp (Twilio), Telegram and the web chat in front of Rasa.

``create_app`` builds the Flask application; ``channels.wsgi:app`` is the WSGI entry.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that the launcher (also run by Rasa's Python, without Flask)
    # can import the settings module's declarations.
    if name == "create_app":
        from channels.app import create_app

        return create_app
    raise AttributeError(name)
