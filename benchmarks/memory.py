"""Resident memory (RSS) of each service's whole process tree, sampled in the background."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field

import psutil

MB = 1024 * 1024


def tree_rss(pid: int) -> int:
    """RSS in bytes of a process and all its descendants (gunicorn workers, Rasa's children)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += process.memory_info().rss
    return total


@dataclass
class Window:
    """Peaks seen since the window opened: per service and of the sum at one instant."""

    peak: dict[str, int] = field(default_factory=dict)
    peak_total: int = 0
    first: dict[str, int] = field(default_factory=dict)
    last: dict[str, int] = field(default_factory=dict)


class MemorySampler:
    """Samples every `interval` seconds; `open_window()` starts a fresh set of peaks for one load."""

    def __init__(self, pids: dict[str, int], interval: float = 0.5):
        self.pids = dict(pids)
        self.interval = interval
        self.overall = Window()
        self.window = Window()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._t0 = time.monotonic()
        self.timeline: list[tuple[float, dict[str, int]]] = []  # (seconds since start, RSS per service)

    def start(self) -> MemorySampler:
        self.sample()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()

    def set_pid(self, name: str, pid: int) -> None:
        with self._lock:
            self.pids[name] = pid

    def open_window(self) -> None:
        self.sample()
        with self._lock:
            self.window = Window()
        self.sample()

    def close_window(self) -> Window:
        self.sample()
        with self._lock:
            return self.window

    def sample(self) -> dict[str, int]:
        with self._lock:
            pids = dict(self.pids)
        now = {name: tree_rss(pid) for name, pid in pids.items()}
        total = sum(now.values())
        with self._lock:
            self.timeline.append((time.monotonic() - self._t0, now))
            for window in (self.overall, self.window):
                for name, rss in now.items():
                    window.peak[name] = max(window.peak.get(name, 0), rss)
                    window.first.setdefault(name, rss)
                    window.last[name] = rss
                window.peak_total = max(window.peak_total, total)
        return now

    def at(self, seconds: float) -> dict[str, int]:
        """The sample nearest to `seconds` after the sampler started."""
        with self._lock:
            if not self.timeline:
                return {}
            return min(self.timeline, key=lambda item: abs(item[0] - seconds))[1]

    def elapsed(self) -> float:
        return time.monotonic() - self._t0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()
