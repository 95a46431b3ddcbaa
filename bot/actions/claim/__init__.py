"""Reporting a claim and following it, file by file (`domain/claims.yml` holds its copy and slots).

- ``reading.py``: what a message says about a loss (kind, place, which policy).
- ``dates.py``: when it happened, as Argentines say it ("anoche", "el sábado a la tarde").
- ``statement.py``: the facts a message tells about a crash (injuries, can it be driven, the other party and its
  data, who drove, witnesses), read from every message.
- ``form.py``: ``validate_claim_form``, reading and checking each answer, and every fact of every message.
- ``questions.py``: the questions chosen, not fixed: which policy, injuries with drivable, the other party.
- ``draft.py``: which questions the line and the kind of loss need, and the draft the API receives.
- ``summary.py``: the summary shown before confirming (with the notice deadline).
- ``submission.py``: ``action_submit_claim``: the claim, once, and its receipt.
- ``status.py``: ``action_claim_status``: how a claim is going.
- ``templates.py``: filling domain responses used as pieces (button titles, summary lines).

The rules the API applies too (claim types, lines, a policy in force, naming
the insured item) come from the top-level ``insurance_rules`` package.
"""
