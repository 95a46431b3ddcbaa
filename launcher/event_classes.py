"""Rasa's ``Event.resolve_by_type`` with each type name's class kept once found.

Rasa turns every event it reads (from the tracker store, from the action
server's answers) back into its class by walking every subclass of ``Event``,
recursively and with an ``inspect.isabstract`` check each, once per event: 30%
of the CPU of retrieving a 51-event session from the conversation store
(cProfile), and a few percent of the Rasa server's time. The event classes
are all defined when Rasa is imported, so the class that walk finds first for a
type name is kept and answered from then on; a name it finds nothing for
(``topic``, an unknown name, a default) still goes through Rasa's own walk.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from rasa.shared.core.events import Event


def remembering(resolve: Callable[..., Any]) -> Callable[..., Any]:
    """``resolve`` (Rasa's ``Event.resolve_by_type``) answering again from memory what it found once."""
    found: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
        event_class = found.get(type_name)
        if event_class is not None:
            return event_class
        event_class = resolve(type_name, default)
        if event_class is not None and event_class is not default:  # found by the walk, not a fallback
            found[type_name] = event_class
        return event_class

    resolve_by_type.wrapped = resolve  # type: ignore[attr-defined]
    return resolve_by_type


def install() -> None:
    """Replace ``Event.resolve_by_type`` (once)."""
    if not hasattr(Event.resolve_by_type, "wrapped"):
        Event.resolve_by_type = staticmethod(remembering(Event.resolve_by_type))  # type: ignore[method-assign]
