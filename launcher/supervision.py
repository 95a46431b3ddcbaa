"""Keep the services up: a service that exits is started again, with back-off, while the others keep serving.

``make run`` (both profiles) calls ``Supervisor.check`` about once a second.
The first restart comes after ``first_delay`` seconds, each next one of the
same service after twice as long (up to ``max_delay``); a service that stays
up for ``stable_after`` seconds is back to the first delay.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, TextIO

from launcher.services import ServiceProcess


@dataclass
class _Backoff:
    delay: float
    restart_at: float | None = None  # when the dead service is started again
    started_at: float = 0.0


@dataclass
class Supervisor:
    """Restarts the dead ones among ``services`` (in place: each keeps its name, port and environment)."""

    services: Iterable[ServiceProcess]
    first_delay: float = 1.0
    max_delay: float = 60.0
    stable_after: float = 120.0
    clock: Callable[[], float] = time.monotonic
    out: TextIO = sys.stderr
    restarts: dict[str, int] = field(default_factory=dict)
    _backoff: dict[str, _Backoff] = field(default_factory=dict)

    def check(self) -> None:
        """Note who died, restart those whose back-off has passed."""
        now = self.clock()
        for service in self.services:
            state = self._backoff.setdefault(service.name, _Backoff(self.first_delay, started_at=now))
            if service.alive():
                if now - state.started_at >= self.stable_after:
                    state.delay = self.first_delay
                continue
            if state.restart_at is None:
                state.restart_at = now + state.delay
                print(f"{service.name} stopped unexpectedly; restarting it in {state.delay:.0f} s:\n"
                      f"{service.log_tail(10)}", file=self.out, flush=True)  # fmt: skip
            elif now >= state.restart_at:
                service.respawn()
                self.restarts[service.name] = self.restarts.get(service.name, 0) + 1
                state.restart_at, state.started_at = None, now
                state.delay = min(state.delay * 2, self.max_delay)
