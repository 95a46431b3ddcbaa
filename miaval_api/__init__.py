"""The Mi Aval API: the one source of truth for users, chat identities, client profiles, policies and claims."""

from miaval_api.app import create_app

__all__ = ["create_app"]
