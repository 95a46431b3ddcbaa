"""What `make nlu-report` prints about the held-out sets, from a known evaluation (no model needed)."""

from __future__ import annotations

from collections import Counter

from tests.heldout_script import heldout_module

heldout = heldout_module()


def evaluation(correct: int, misses: list[tuple[str, str, str, float]], pending: dict[str, int]):
    """An Evaluation as evaluate() would leave it."""
    result = heldout.Evaluation(total=correct + len(misses), correct=correct, misclassified=misses,
                                pending=Counter(pending))
    result.per_intent = Counter({gold: 10 for _, gold, _, _ in misses})
    return result


def test_sets_add_up_and_the_section_lists_accuracy_and_misses_per_intent() -> None:
    """Two sets are added message by message; the Markdown names each missed intent and message."""
    existing = evaluation(18, [("si, mi hijo se golpeo", "affirm", "inform", 0.9)], {})
    new = evaluation(9, [("como pago", "ask_payment", "faq/cost", 0.8)], {"english": 10})
    everything = existing + new
    assert (everything.total, everything.correct) == (29, 27)
    assert everything.pending == Counter({"english": 10})
    text = "\n".join(heldout.markdown_section(existing, everything))
    assert f"| {existing.accuracy:.3f} | 19 |" in text
    assert f"| {everything.accuracy:.3f} | 29 |" in text
    assert "| affirm | 1 | 10 |" in text and "| ask_payment | 1 | 10 |" in text
    assert "| si, mi hijo se golpeo | affirm | inform (0.90) |" in text
    assert "`english` (10)" in text


def test_a_perfect_evaluation_says_no_misses() -> None:
    """No miss is reported as such, not as an empty table."""
    perfect = evaluation(5, [], {})
    assert perfect.accuracy == 1.0
    assert "| (none) | | |" in heldout.markdown_section(perfect, perfect)


def test_heldout_files_are_the_ones_the_report_reads() -> None:
    """The report and the tests read the same three files, which exist."""
    names = [path.name for path in heldout.ALL_SETS]
    assert names == ["heldout.yml", "heldout_whatsapp.yml", "heldout_new_intents.yml"]
    assert all(path.exists() for path in heldout.ALL_SETS)


def test_families_are_the_files_by_family_and_the_section_lists_each_family() -> None:
    """Each heldout_family_<family>.yml is one family; the section gives its accuracy and every miss."""
    assert len(heldout.FAMILY_SETS) == 8
    assert {heldout.family_of(path) for path in heldout.FAMILY_SETS} >= {"no_keyword", "complaint", "negation"}
    families = {
        "negation": evaluation(3, [("no quiero mas avisos", "stop_news", "deny", 0.7)], {}),
        "typos": evaluation(4, [], {}),
    }
    assert (heldout.all_families(families).total, heldout.all_families(families).correct) == (8, 7)
    text = "\n".join(heldout.families_section(families))
    assert "| negation | 0.750 | 4 |" in text and "| typos | 1.000 | 4 |" in text
    assert "| **all families** | 0.875 | 8 |" in text
    assert "| negation | no quiero mas avisos | stop_news | deny (0.70) |" in text
    assert "family negation: intent accuracy 0.750 (3/4)" in heldout.families_report(families)
