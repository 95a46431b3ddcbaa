"""Event classes found once per type name (launcher/event_classes.py): the same class as Rasa's walk, walked once."""

from __future__ import annotations

from typing import Any

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import Event, UserUttered

from launcher.event_classes import remembering

RASA_RESOLVE = Event.__dict__["resolve_by_type"].__func__
RASA_RESOLVE = getattr(RASA_RESOLVE, "wrapped", RASA_RESOLVE)  # Rasa's own, even once the speed-ups are installed


def _type_names() -> list[str]:
    return sorted({cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)})


def test_every_event_type_name_gets_the_class_rasa_finds_and_the_walk_runs_once_per_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walks: list[str] = []

    def counted(type_name: str, default: Any = None) -> Any:
        walks.append(type_name)
        return RASA_RESOLVE(type_name, default)

    resolve = remembering(counted)
    names = _type_names()
    assert len(names) >= 20
    for _ in range(3):
        assert [resolve(name) for name in names] == [RASA_RESOLVE(name) for name in names]
    assert sorted(walks) == names  # once each: the later rounds came from memory


def test_names_the_walk_does_not_find_still_go_through_rasa() -> None:
    resolve = remembering(RASA_RESOLVE)
    assert resolve("topic") is None
    assert resolve("no_such_event", UserUttered) is UserUttered
    with pytest.raises(ValueError, match="no_such_event"):
        resolve("no_such_event")
    assert resolve("user", UserUttered) is UserUttered  # found by the walk, and kept
