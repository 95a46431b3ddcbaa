"""Issue 17's budget, end to end through the gateway's web chat API against the running stack (the real trained
model, the actions, the Mi Aval API with the demo portfolio): a signed-in customer files a rear-end collision with
only the other car's plate in at most 6 messages, and one without another party in at most 4, said as customers
write on WhatsApp. The scenarios are shared with ``make bench`` (``benchmarks/claim_scenarios.py``)."""

from __future__ import annotations

import time

import pytest
import requests

from benchmarks.claim_scenarios import LAURA, SCENARIOS, WebChat, file_claim, sign_in
from tests.conftest import latest_code


@pytest.fixture(scope="module")
def laura_chat(unlimited_gateway, stack):
    """Laura's web chat, signed in once (the API e-mails one code per address per minute); every claim is filed in
    it, faster than a person types (the gateway's per-sender limit is lifted)."""
    chat = WebChat(unlimited_gateway.url)
    previous = latest_code(stack.outbox_dir, LAURA)

    def new_code() -> str:
        deadline = time.monotonic() + 70
        code = latest_code(stack.outbox_dir, LAURA)
        while (code is None or code == previous) and time.monotonic() < deadline:
            time.sleep(0.2)
            code = latest_code(stack.outbox_dir, LAURA)
        assert code and code != previous, "no code e-mailed"
        return code

    sign_in(chat, LAURA, new_code)
    yield chat
    chat.close()


def _claim(stack, sender: str, number: str) -> dict:
    response = requests.get(
        f"{stack.api_url}/v1/me/claims/{number}",
        headers={"Authorization": f"Bearer {stack.api_token}", "X-Chat-Identity": sender},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["claim"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
def test_a_claim_is_filed_within_its_budget_with_what_the_customer_said(stack, laura_chat, scenario):
    run = file_claim(laura_chat.send, scenario)
    print(f"{scenario.name}: {run.messages} user messages after sign-in (budget {scenario.budget})")
    log = "\n".join(run.transcript)
    assert run.claim_number, f"no claim filed\n{log}"
    assert run.messages <= scenario.budget, f"{run.messages} messages for a budget of {scenario.budget}\n{log}"
    claim = _claim(stack, laura_chat.sender, run.claim_number)
    for key, value in scenario.expected.items():
        if key == "third_party" and value:
            assert {k: claim[key].get(k) for k in value} == value, log
        else:
            assert claim[key] == value, f"{key}: {claim[key]!r}\n{log}"
    # Nothing stored as garbage: no "no sé" kept as the other party's data.
    assert "no sé" not in (claim.get("third_party") or {}).values(), log
