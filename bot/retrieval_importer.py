"""Reads the project's files like Rasa's own importer, declaring retrieval intents once.

The domain lists `faq` so that the stories and rules that use it are read
without warnings. Rasa 3.6 then adds every retrieval intent found in the NLU
data to the domain a second time, and warns about the duplicate ("duplicated
intents ... across multiple domain files: faq"). This importer gives the story
reader the whole domain, and Rasa's merge the domain without the retrieval
intents, so each is declared exactly once and `rasa data validate` is clean.
"""

from __future__ import annotations

from typing import Optional

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers import utils
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.utils.common import cached_method


class RetrievalIntentsOnceImporter(RasaFileImporter):
    """RasaFileImporter whose domain leaves retrieval intents to Rasa's NLU-to-domain merge."""

    @cached_method
    def get_domain(self) -> Domain:
        domain = super().get_domain()
        data = domain.as_dict()
        if not data.get("intents"):  # no domain at all (NLU-only runs such as cross-validation)
            return domain
        retrieval_intents = self.get_nlu_data().retrieval_intents
        data["intents"] = [intent for intent in data["intents"] if _name(intent) not in retrieval_intents]
        return Domain.from_dict(data)

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        return utils.story_graph_from_paths(self._story_files, super().get_domain(), exclusion_percentage)


def _name(intent) -> str:
    return next(iter(intent)) if isinstance(intent, dict) else intent
