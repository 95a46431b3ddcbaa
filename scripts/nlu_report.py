"""NLU report: held-out accuracy of the trained model, then 5-fold cross-validation.

First evaluates the trained model (var/rasa-models, or RASA_MODEL) on the
held-out messages of tests/nlu (scripts/nlu_heldout.py: messages never in
training) and prints the intent accuracy and the misses per intent. Then runs
`rasa test nlu --cross-validation --folds 5` into reports/nlu/ and writes
reports/nlu/summary.md: the held-out section, intent, FAQ key and entity
precision/recall/F1 and the ten most confused intent pairs. Run it in the
assistant's environment:

    .venv-rasa/bin/python scripts/nlu_report.py [--folds 5] [--out reports/nlu] [--heldout-only]

--heldout-only skips the cross-validation and writes reports/nlu/heldout.md.

`make nlu-report` calls it. Exit status is rasa's (non-zero if the run failed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import nlu_heldout

ROOT = Path(__file__).resolve().parents[1]
AVERAGES = ("accuracy", "macro avg", "weighted avg", "micro avg")


def run_cross_validation(out: Path, folds: int) -> int:
    """Run rasa's cross-validation; its reports land in `out`."""
    rasa = Path(sys.executable).with_name("rasa")
    command = [
        str(rasa) if rasa.exists() else "rasa", "test", "nlu",
        "--config", "config.yml", "--nlu", "bot/data",
        "--cross-validation", "--folds", str(folds), "--out", str(out),
    ]
    env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def load(path: Path) -> dict[str, Any]:
    """A JSON report, or an empty one when rasa did not write it."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def metrics_table(report: dict[str, Any], title: str) -> list[str]:
    """Per-label precision/recall/F1/support rows, then the averages."""
    if not report:
        return [f"## {title}", "", "(no report)", ""]
    lines = [f"## {title}", "", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    labels = sorted(k for k, v in report.items() if k not in AVERAGES and isinstance(v, dict))
    for label in labels + [k for k in AVERAGES if isinstance(report.get(k), dict)]:
        row = report[label]
        name = f"**{label}**" if label in AVERAGES else label
        lines.append(
            f"| {name} | {row.get('precision', 0):.3f} | {row.get('recall', 0):.3f} "
            f"| {row.get('f1-score', 0):.3f} | {row.get('support', 0)} |"
        )
    if isinstance(report.get("accuracy"), (int, float)):
        lines.append(f"| **accuracy** | | | {report['accuracy']:.3f} | |")
    return lines + [""]


def confused_pairs(*reports: dict[str, Any], top: int = 10) -> list[tuple[str, str, int]]:
    """The `top` (true label, predicted label, count) pairs across the given reports."""
    counts: Counter[tuple[str, str]] = Counter()
    for report in reports:
        for label, row in report.items():
            if not isinstance(row, dict):
                continue
            for other, count in (row.get("confused_with") or {}).items():
                counts[(label, other)] += int(count)
    return [(a, b, n) for (a, b), n in counts.most_common(top)]


def entity_reports(out: Path) -> list[tuple[str, dict[str, Any]]]:
    """One entity report per extractor (DIETClassifier, RegexEntityExtractor...)."""
    paths = sorted(out.glob("*_report.json"))
    names = {"intent_report", "response_selection_report"}
    return [(p.stem.replace("_report", ""), load(p)) for p in paths if p.stem not in names]


def heldout_section() -> list[str]:
    """Evaluate the trained model on the held-out sets, print the details, return the Markdown section."""
    model = nlu_heldout.find_model()
    agent = nlu_heldout.load_agent(model)
    existing = nlu_heldout.evaluate(agent, nlu_heldout.EXISTING_SETS)
    everything = existing + nlu_heldout.evaluate(agent, nlu_heldout.NEW_INTENT_SETS)
    print(everything.report(f"held-out ({model.name})"), flush=True)
    families = nlu_heldout.evaluate_families(agent)
    print(nlu_heldout.families_report(families), flush=True)
    return [
        f"Model: `{model.name}`.",
        "",
        *nlu_heldout.families_section(families),
        *nlu_heldout.markdown_section(existing, everything),
    ]


def write_heldout(out: Path, heldout: list[str]) -> Path:
    """Write reports/nlu/heldout.md: the held-out section alone (--heldout-only)."""
    report = out / "heldout.md"
    when = time.strftime("%Y-%m-%d %H:%M")
    lines = ["# NLU held-out report", "", f"{when}.", "", *heldout]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def write_summary(out: Path, folds: int, seconds: float, heldout: list[str]) -> Path:
    """Write reports/nlu/summary.md: the held-out section, then the JSON reports rasa left in `out`."""
    intents = load(out / "intent_report.json")
    faq = load(out / "response_selection_report.json")
    lines = ["# NLU report", "", *heldout]
    lines += [
        "## Cross-validation",
        "",
        f"{folds}-fold cross-validation of `config.yml` on `bot/data` "
        f"(test folds), {time.strftime('%Y-%m-%d %H:%M')}, {seconds / 60:.1f} min.",
        "",
    ]
    weighted = intents.get("weighted avg", {})
    if weighted:
        lines += [f"Intent F1 (weighted): **{weighted.get('f1-score', 0):.3f}**", ""]
    lines += metrics_table(intents, "Intents")
    lines += metrics_table(faq, "FAQ keys (response selector)")
    for extractor, entities in entity_reports(out):
        lines += metrics_table(entities, f"Entities ({extractor})")
    lines += ["## Most confused intent pairs", "", "| true | predicted | count |", "|---|---|---|"]
    pairs = confused_pairs(intents, faq)
    lines += [f"| {a} | {b} | {n} |" for a, b, n in pairs] or ["| (none) | | |"]
    summary = out / "summary.md"
    summary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the cross-validation and write the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "nlu")
    parser.add_argument("--summary-only", action="store_true", help="rewrite summary.md from existing reports")
    parser.add_argument("--heldout-only", action="store_true", help="skip the cross-validation")
    args = parser.parse_args(argv)
    out = args.out if args.out.is_absolute() else ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    heldout = heldout_section()
    started = time.monotonic()
    if args.heldout_only:
        summary = write_heldout(out, heldout)
        print(summary.read_text(encoding="utf-8"))
        return 0
    if not args.summary_only:
        code = run_cross_validation(out, args.folds)
        if code != 0:
            return code
    summary = write_summary(out, args.folds, time.monotonic() - started, heldout)
    print(summary.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
