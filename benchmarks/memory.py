"""Resident memory (RSS) of each service's whole process tree, sampled in the background."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field

import psutil

MB = 1024 * 1024


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its living descendants."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy (all CPUs) since boot."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


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
    # CPU seconds while the window was open: per service, this benchmark process, the whole machine.
    cpu: dict[str, float] = field(default_factory=dict)
    cpu_machine: float = 0.0
    wall: float = 0.0
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

    def _cpu_now(self) -> tuple[dict[str, float], float, float]:
        with self._lock:
            pids = dict(self.pids)
        per_service = {name: tree_cpu_seconds(pid) for name, pid in pids.items()}
        # This process only: the services are its children and are counted above.
        own = psutil.Process().cpu_times()
        per_service["load generator"] = own.user + own.system
        return per_service, busy_cpu_seconds(), time.monotonic()

    def open_window(self) -> None:
        self.sample()
        with self._lock:
            self.window = Window()
        self._cpu_start = self._cpu_now()
        self.sample()

    def close_window(self) -> Window:
        self.sample()
        per_service, machine, wall = self._cpu_now()
        start_services, start_machine, start_wall = self._cpu_start
        with self._lock:
            window = self.window
        window.cpu = {name: max(0.0, used - start_services.get(name, 0.0)) for name, used in per_service.items()}
        window.cpu_machine = machine - start_machine
        window.wall = wall - start_wall
        return window

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
