"""The channel gateway: WhatsApp (Twilio), Telegram and the web chat in front of Rasa.

``create_app`` builds the Flask application; ``channels.wsgi:app`` is the WSGI entry.
"""

from channels.app import create_app

__all__ = ["create_app"]
