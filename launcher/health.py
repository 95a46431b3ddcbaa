"""Where each service says it serves, and a probe of it.

``HEALTH_PATHS``: the path each service answers with 2xx once it serves (the launcher waits for it, the
containers' healthchecks ask it). ``python -m launcher.health URL`` exits 0 when URL answers 2xx within
2 seconds, 1 otherwise (deploy/containers/compose.yaml's healthchecks). Standard library only.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

HEALTH_PATHS = {
    "api": "/healthz",
    "console": "/healthz",
    "gateway": "/healthz",
    "actions": "/health",
    "rasa": "/",
}


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether GET ``url`` answers 2xx right now."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m launcher.health URL", file=sys.stderr)
        return 2
    return 0 if answers(argv[0]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
