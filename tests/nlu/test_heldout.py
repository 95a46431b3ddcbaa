"""Held-out NLU evaluation: the trained model against messages it never saw.

The model is the one the full build trains into var/rasa-models (or the archive
named by RASA_MODEL). The evaluation itself is scripts/nlu_heldout.py (which
`make nlu-report` also prints): a FAQ message is right only when the response
selector picks its exact faq/<key>, a message that falls back (nlu_fallback) is
wrong, entities are matched on (entity, start, end).

Messages of an intent the model does not know yet are pending and only the
intents of PENDING_INTENTS may be: those are the ones issue #10 adds on other
branches. Once they are merged and trained, their held-out messages count.

Run with the assistant's environment:
    .venv-rasa/bin/python -m pytest tests/nlu
Under the app environment (no Rasa installed) the same evaluation runs in a
subprocess with .venv-rasa, so `make test-python` checks it too.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.heldout_script import heldout_module

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

MIN_INTENT_ACCURACY = 0.95
# The held-out set by family (issue #17): the accuracy the model reached on it when it was last measured,
# less a small margin, so that a regression fails (README, "Understanding": the figures).
MIN_FAMILY_SET_ACCURACY = 0.93
MIN_FAMILY_MESSAGES = 800
MIN_ENTITY_F1 = 0.8
# Intents of heldout_new_intents.yml that other branches of issue #10 add (the
# dialogue branch the first five, the claims branch add_claim_photos): until
# they are in the model their messages are reported as pending, not counted.
PENDING_INTENTS = {"ask_payment", "policy_renewal", "quote_request", "english", "switch_account", "add_claim_photos"}

HAS_RASA = importlib.util.find_spec("rasa") is not None


if HAS_RASA:
    heldout = heldout_module()

    @pytest.fixture(scope="module")
    def agent():
        """The trained model, loaded once for the module."""
        return heldout.load_agent(heldout.find_model())

    @pytest.fixture(scope="module")
    def existing(agent):
        """The held-out sets of the intents the assistant has had all along."""
        result = heldout.evaluate(agent, heldout.EXISTING_SETS)
        print("\n" + result.report("existing intents"))
        return result

    @pytest.fixture(scope="module")
    def everything(agent, existing):
        """Every held-out set, the new intents' messages included once the model knows them."""
        result = existing + heldout.evaluate(agent, heldout.NEW_INTENT_SETS)
        print("\n" + result.report("all held-out sets"))
        return result

    def test_heldout_covers_every_intent_and_entity() -> None:
        """The sets themselves: every intent of the domain, every faq key and contract entity annotated."""
        examples = heldout.read_examples(heldout.ALL_SETS)
        keys = {heldout.gold_intent(m) for m in examples}
        intents = {m.get("intent") for m in examples}
        annotated = {e["entity"] for m in examples for e in (m.get("entities") or [])}
        domain_intents = heldout.declared_intents()
        assert {k for k in heldout.training_intents() if k.startswith("faq/")} <= keys
        assert len([k for k in keys if k.startswith("faq/")]) >= 17
        assert set(heldout.ENTITIES) <= annotated
        assert domain_intents | PENDING_INTENTS <= intents, (domain_intents | PENDING_INTENTS) - intents

    def test_heldout_whatsapp_set_is_large() -> None:
        """Issue #10 asks for at least 400 WhatsApp-style messages beyond the first set."""
        examples = heldout.read_examples(heldout.ALL_SETS[1:])
        assert len(examples) >= 400

    @pytest.fixture(scope="module")
    def families(agent):
        """The held-out set of issue #17, each family evaluated on its own."""
        result = heldout.evaluate_families(agent)
        print("\n" + heldout.families_report(result))
        return result

    def test_family_set_is_large_and_every_family_counts() -> None:
        """At least 800 messages, in the eight families the issue names, none of them small."""
        sizes = {heldout.family_of(path): len(heldout.read_examples((path,))) for path in heldout.FAMILY_SETS}
        assert set(sizes) == {"no_keyword", "complaint", "negation", "multi_intent", "typos", "no_accents",
                              "voseo", "whatsapp"}
        assert sum(sizes.values()) >= MIN_FAMILY_MESSAGES, sizes
        assert min(sizes.values()) >= 90, sizes

    def test_family_set_accuracy(families) -> None:
        """The held-out set by family keeps the accuracy it reached (nothing of it pending)."""
        total = heldout.all_families(families)
        assert not total.pending, total.report()
        assert total.total >= MIN_FAMILY_MESSAGES
        assert total.accuracy >= MIN_FAMILY_SET_ACCURACY, heldout.families_report(families)

    def parsed(agent, text: str) -> str:
        """The full intent (faq/<key> for the help section) the model gives ``text``."""
        import asyncio

        return heldout.full_intent(asyncio.run(agent.parse_message(text)))[0]

    def test_every_help_section_suggestion_reads_back_as_its_question(agent) -> None:
        """The fallback's button for a help-section question sends its title (domain/fallback.yml): the model
        must read each one as that very question, or the pick would fall back again."""
        from bot.domain_files import load_domain

        prefix = "utter_suggest_faq_"
        titles = {name.removeprefix(prefix): texts[0]["text"] for name, texts in load_domain()["responses"].items()
                  if name.startswith(prefix)}
        assert len(titles) >= 19
        wrong = {key: (title, got) for key, title in titles.items() if (got := parsed(agent, title)) != f"faq/{key}"}
        assert not wrong, wrong

    def test_the_phrasings_issue_17_names_get_their_request(agent) -> None:
        """A cancellation without "baja", a claim-status complaint, and registering with a social network (the
        help section's account creation, not the Facebook-with-Gmail answer). Messages of the held-out set."""
        assert parsed(agent, "vendí el auto, ya no necesito más el seguro") == "cancel_policy"
        assert parsed(agent, "quiero terminar el contrato del seguro del comercio") == "cancel_policy"
        assert parsed(agent, "hace tres semanas que denuncié el choque y nadie me dice nada") == "claim_status"
        assert parsed(agent, "hice la denuncia hace un mes y sigo sin saber nada") == "claim_status"
        assert parsed(agent, "puedo registrarme con una red social?") == "faq/create_account"

    def test_only_the_new_intents_are_pending(everything) -> None:
        """A held-out intent missing from the model is one of the five that other branches add."""
        assert set(everything.pending) <= PENDING_INTENTS, everything.report()

    def test_existing_intent_accuracy(existing) -> None:
        """At least 95% of the held-out messages of today's intents get their exact intent (or faq key)."""
        assert existing.accuracy >= MIN_INTENT_ACCURACY, existing.report()

    def test_intent_accuracy(everything) -> None:
        """At least 95% over every held-out set (the new intents' messages once the model knows them)."""
        assert everything.accuracy >= MIN_INTENT_ACCURACY, everything.report()

    @pytest.mark.parametrize("entity", heldout.ENTITIES)
    def test_entity_f1(everything, entity: str) -> None:
        """Each entity type is extracted with span F1 of at least 0.8."""
        counts = everything.entities[entity]
        assert counts.tp + counts.fn > 0, f"held-out set has no {entity} annotation"
        assert counts.f1 >= MIN_ENTITY_F1, everything.report()

else:

    def test_heldout_in_rasa_environment() -> None:
        """Without Rasa here, run this very module under .venv-rasa and require it to pass."""
        assert RASA_PYTHON.exists(), f"{RASA_PYTHON} is missing: the assistant environment is not installed"
        env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONPATH": str(ROOT)}
        run = subprocess.run(
            [str(RASA_PYTHON), "-m", "pytest", str(Path(__file__)), "-q", "-s", "-p", "no:cacheprovider"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )
        sys.stdout.write(run.stdout[-20000:])
        assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
