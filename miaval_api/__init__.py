"""The Mi Aval API: the one source of truth for users, chat identities, client profiles, policies and claims."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that the launcher (also run by Rasa's Python, without Flask)
    # can import the settings module's declarations.
    if name == "create_app":
        from miaval_api.app import create_app

        return create_app
    raise AttributeError(name)
