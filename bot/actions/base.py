"""What every action that reaches the Mi Aval API shares.

``ApiAction.run`` turns an API failure nobody handled into its response
(``backend.response_for_error``) so that a flow never goes silent and never
shows a stack trace; flows catch only the errors they explain differently.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError
from bot.actions.backend import response_for_error

logger = logging.getLogger(__name__)


class ApiAction(Action, ABC):
    """An action whose work (``act``) calls the API; unexpected API errors become a response."""

    # Abstract so that rasa_sdk's registry (which skips abstract classes) does not register the base itself.
    @abstractmethod
    def name(self) -> str:  # pragma: no cover - every subclass names itself
        raise NotImplementedError

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """The action's work; may raise ``api_client`` errors."""
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            return await self.act(dispatcher, tracker, domain)
        except ApiError as error:
            # The error code only: messages and details may hold personal data.
            logger.info("%s: API error %s", self.name(), error.code)
            dispatcher.utter_message(response=response_for_error(error))
            return self.events_on_error(tracker)

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        """Events to return when the API failed (by default none)."""
        return []


def render(domain: DomainDict, response: str, **values: Any) -> str:
    """The text of a domain response with its {variables} filled: one line of a data list.

    Lists of data (policy lines, profile names) are built from one response per
    item so that every word the user reads still lives in the domain (domain/).
    """
    template = domain["responses"][response][0]["text"]
    return template.format(**values)
