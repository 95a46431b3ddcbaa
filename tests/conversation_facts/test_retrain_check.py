"""`make retrain-check`'s decision: the candidate is kept only when no figure got worse than the current model's."""

from __future__ import annotations

from launcher.retrain_check import compare, table


def test_a_candidate_worse_on_one_figure_is_refused_and_the_table_says_which():
    current = {"heldout: intent accuracy": 0.91, "test stories without an error": 1.0}
    figures = compare(current, {"heldout: intent accuracy": 0.93, "test stories without an error": 0.98})
    assert [figure.name for figure in figures if figure.worse] == ["test stories without an error"]
    lines = table(figures).splitlines()
    assert lines[2].split() == ["heldout:", "intent", "accuracy", "0.9100", "0.9300", "+0.0200"]
    assert lines[3].endswith("-0.0200  worse")


def test_an_equal_or_better_candidate_and_a_new_figure_are_accepted():
    figures = compare({"a": 0.9}, {"a": 0.9, "heldout_reviewed: intent accuracy": 0.5})
    assert not any(figure.worse for figure in figures)
    assert "new" in table(figures).splitlines()[-1]
    assert not any(figure.worse for figure in compare(None, {"a": 0.1}))
