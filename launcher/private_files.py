"""Run-time files are private: only the user the services run as may read them.

``var/`` holds the database (web sender ids, DNIs, one-time codes), the conversation store, the logs,
the outbox's e-mails and the uploads. Every service the launcher starts runs with umask 077, so what it
creates later (SQLite's journal files, each ``.eml``, each log) is 0600 in 0700 folders; at start the
launcher also closes what an older version left open. The systemd units say ``UMask=0077`` and the
container image's entrypoint sets the same umask.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

UMASK = 0o077


def make_private(root: Path, leave: Iterable[Path] = ()) -> None:
    """``root`` and everything under it 0700 (folders) / 0600 (files), except the trees in ``leave``
    (the trained model, which holds no personal data and which a container's service user only reads)."""
    left = {Path(path).resolve() for path in leave}
    root.mkdir(parents=True, exist_ok=True)
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        if here.resolve() in left:
            folders[:] = []
            continue
        os.chmod(here, 0o700)
        folders[:] = [name for name in folders if not (here / name).is_symlink()]
        for name in files:
            path = here / name
            if not path.is_symlink() and stat.S_ISREG(path.lstat().st_mode):
                os.chmod(path, 0o600)
