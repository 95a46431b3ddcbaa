"""Read one-time codes from the e-mail outbox (.eml files), as a person reads their inbox.

Used by the tests and the benchmarks to sign in through the chat. Only sign-in
e-mails count: claim receipts go to the same address and hold 6-digit runs too
("SIN-000123"), so the code is read from the sign-in e-mail's subject
("Tu código de Mi Aval: 123456").
"""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path
from typing import Optional

CODE_SUBJECT = re.compile(r"c[oó]digo\D*(\d{6})\b", re.IGNORECASE)


def code_in_email(raw: bytes, to_address: str) -> Optional[str]:
    """The one-time code of a sign-in e-mail to ``to_address``; None for any other e-mail."""
    message = email.message_from_bytes(raw, policy=policy.default)
    if to_address.lower() not in str(message["To"]).lower():
        return None
    match = CODE_SUBJECT.search(str(message["Subject"] or ""))
    return match.group(1) if match else None


def latest_code(outbox_dir: Path, to_address: str) -> Optional[str]:
    """The code of the newest sign-in e-mail to ``to_address`` in the outbox folder."""
    for path in sorted(Path(outbox_dir).glob("*.eml"), key=lambda item: item.stat().st_mtime, reverse=True):
        code = code_in_email(path.read_bytes(), to_address)
        if code:
            return code
    return None
