"""Roadside help reads which vehicle from the message that asks for it, and asks only when it cannot tell.

Laura (verified) sees her Volkswagen Gol Trend (AC123BD) and her son Martín's
Honda Wave (A123BCD), both in force: a real API, the demo portfolio.
"""

from __future__ import annotations

import pytest

from bot.actions.assistance import ActionRoadsideAssistance
from tests.actions.dialogue_support import LAURA, load_tracker, new_identity, responses, run, sign_in, slots_of


@pytest.fixture(scope="module")
def laura(dialogue_api) -> str:
    identity = new_identity()
    sign_in(dialogue_api.url, dialogue_api.token, dialogue_api.outbox_dir, identity, LAURA)
    return identity


@pytest.mark.parametrize(
    ("said", "plate", "phone"),
    [
        ("necesito una grua para la moto", "A123BCD", "0800-555-0303"),  # Cordillera insures Martín's Honda
        ("necesito una grua para la wave de mi hijo", "A123BCD", "0800-555-0303"),
        ("se me quedo el gol en la ruta, necesito auxilio", "AC123BD", "0800-555-0101"),  # Río de la Plata
    ],
)
def test_the_vehicle_named_in_the_request_gets_its_insurers_phone_at_once(api_env, laura, said, plate, phone):
    tracker = load_tracker("request", laura, intent="roadside_assistance", text=said)
    _, messages = run(ActionRoadsideAssistance(), tracker)
    assert responses(messages) == ["utter_roadside_phone"]
    assert (messages[0]["plate"], messages[0]["assistance_phone"]) == (plate, phone)


def test_a_request_that_names_no_vehicle_asks_which(api_env, laura):
    tracker = load_tracker("request", laura, intent="roadside_assistance", text="necesito una grua")
    _, messages = run(ActionRoadsideAssistance(), tracker)
    assert responses(messages) == ["utter_ask_roadside_vehicle"]


def test_the_plate_of_the_chosen_vehicle_does_not_stay_for_the_next_request(api_env, laura):
    """A certificate asked right after must not be the moto's because its plate was left in the slot."""
    tracker = load_tracker(
        "request", laura, intent="roadside_assistance", text='/roadside_assistance{"license_plate":"A123BCD"}',
        entities=[{"entity": "license_plate", "value": "A123BCD"}], slots={"license_plate": "A123BCD"},
    )  # fmt: skip
    events, messages = run(ActionRoadsideAssistance(), tracker)
    assert responses(messages) == ["utter_roadside_phone"]
    assert slots_of(events)["license_plate"] is None
