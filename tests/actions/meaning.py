"""A small meaning checker for the help-section facts: polarity and the exact condition, clause by clause.

Looking for words is not enough: "No hace falta la confirmación por escrito
del asegurado" has every word of the cancellation fact and says its opposite.
A ``Claim`` names what a clause is about (``about``), whether the clause must
affirm or deny it (``holds``) and the condition that must be said in that same
clause (``condition``: "del asegurado", not just "por escrito"). A text states
a claim when some clause about it has the right polarity and the condition,
and no clause about it has the opposite polarity (a text that says both says
nothing). ``contradicted_by`` lists sentences that deny the fact in other
words (checked anywhere in the text).

Clauses are split at sentence ends, colons, semicolons and parentheses, so a
bare "No." answering the question is its own clause and does not negate what
follows. The polarity is read in the part of the clause between commas where
the claim's subject is ("Aunque no verifiques tu e-mail, podés vincular…"
affirms the linking): it is negative when it has a negator ("no", "nunca",
"ni", "tampoco", "sin", "jamás"). The condition may be anywhere in the clause
but, for an affirmed claim, not in a denied part ("…, no desde «Mi Cuenta»").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

NEGATOR = re.compile(r"\b(no|nunca|ni|tampoco|sin|jamás|jamas)\b", re.IGNORECASE)
CLAUSE_END = re.compile(r"[.!?;:()]+(?:\s+|$)|\n+")
SEGMENT_END = re.compile(r",|\bpero\b")
# Abbreviations whose dots are not sentence ends, written without them.
ABBREVIATIONS = re.compile(r"\brr\. ?hh\.", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One thing a fact says: what about, affirmed (``holds``) or denied, and under which condition."""

    about: str
    holds: bool = True
    condition: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fact:
    """A fact of the help section, the responses that must state it, and wrong answers that must fail."""

    key: str
    says: str  # the help section's statement, in its words
    responses: tuple[str, ...]
    claims: tuple[Claim, ...]
    wrong: tuple[str, ...]  # answers that contradict or bend the fact: each must fail
    contradicted_by: tuple[str, ...] = field(default=())


def fold(text: str) -> str:
    """Lower case, one space between words, plain quotes, "rrhh" (accents are kept)."""
    text = unicodedata.normalize("NFC", text).replace("«", '"').replace("»", '"')
    text = ABBREVIATIONS.sub("rrhh", text)
    return " ".join(text.split()).lower()


def clauses(text: str) -> list[str]:
    """The clauses of ``text`` (see the module's docstring)."""
    return [part.strip() for part in CLAUSE_END.split(fold(text)) if part.strip()]


def negative(clause: str, about: re.Pattern[str]) -> bool:
    """Whether the clause denies what it says about ``about`` (read in the comma-delimited part that names it)."""
    parts = [part for part in SEGMENT_END.split(clause) if about.search(part)] or [clause]
    return any(NEGATOR.search(part) for part in parts)


def check(claim: Claim, text: str) -> str | None:
    """Why ``text`` does not state ``claim``; None when it does."""
    about = re.compile(claim.about, re.IGNORECASE)
    relevant = [clause for clause in clauses(text) if about.search(clause)]
    if not relevant:
        return f"nothing is said about {claim.about!r}"
    opposite = [clause for clause in relevant if negative(clause, about) == claim.holds]
    if opposite:
        return f"{'denies' if claim.holds else 'affirms'} {claim.about!r}: {opposite[0]!r}"
    conditions = [re.compile(condition, re.IGNORECASE) for condition in claim.condition]
    if not any(all(said(condition, clause, claim.holds) for condition in conditions) for clause in relevant):
        return f"{claim.about!r} without its condition {claim.condition!r}: {relevant[0]!r}"
    return None


def said(condition: re.Pattern[str], clause: str, holds: bool) -> bool:
    """Whether the clause says the condition: for an affirmed claim, not in a denied part ("…, no desde X")."""
    if not condition.search(clause):
        return False
    return not holds or not negative(clause, condition)


def problems(fact: Fact, text: str) -> list[str]:
    """Everything by which ``text`` fails to state ``fact`` (empty: it states it)."""
    found = [reason for claim in fact.claims if (reason := check(claim, text)) is not None]
    folded = fold(text)
    found += [f"contradicted: {pattern!r}" for pattern in fact.contradicted_by if re.search(pattern, folded)]
    return found
