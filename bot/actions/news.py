"""News Aval sends unasked (claim updates, executives' messages): the customer stops them or has them again."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.backend import api, call_api, sender
from bot.actions.base import ApiAction


class ActionStopNews(ApiAction):
    """Stop the news; one sentence that says how to have them again."""

    def name(self) -> str:
        return "action_stop_news"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await call_api(api().set_news, sender(tracker), opt_out=True)
        dispatcher.utter_message(response="utter_news_stopped")
        return []


class ActionResumeNews(ApiAction):
    """Have the news again; one sentence that says how to stop them."""

    def name(self) -> str:
        return "action_resume_news"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await call_api(api().set_news, sender(tracker), opt_out=False)
        dispatcher.utter_message(response="utter_news_resumed")
        return []
