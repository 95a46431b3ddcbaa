"""Stopping the launcher: every service goes, even when SIGTERM comes twice (systemd, then an impatient
operator). Runs last in the package: it stops the shared production profile."""

from __future__ import annotations

import signal
import time

import psutil

from tests.production.conftest import Profile


def test_a_second_sigterm_while_stopping_leaves_no_service_behind(profile: Profile):
    launcher = psutil.Process(profile.process.pid)
    children = launcher.children(recursive=True)
    assert len(children) >= 5  # API, actions, two replicas, gateway (and their workers)
    profile.process.send_signal(signal.SIGTERM)
    time.sleep(0.5)  # stopping the first services
    profile.process.send_signal(signal.SIGTERM)
    profile.process.wait(timeout=120)
    _, alive = psutil.wait_procs(children, timeout=20)
    assert not alive, [(process.pid, process.cmdline()) for process in alive]
