"""The launcher's supervisor on real processes (a small HTTP server), with a settable clock for the back-off."""

from __future__ import annotations

import io
import signal
import sys

import pytest

from launcher.services import ServiceProcess, _spawn, free_port, wait_until_healthy
from launcher.supervision import Supervisor


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def service(tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    process, log_path = _spawn("web", command, {}, tmp_path)
    started = ServiceProcess("web", f"http://127.0.0.1:{port}", process, log_path, {}, command)
    wait_until_healthy(started, "/", 30)
    yield started
    started.stop()


def kill(service: ServiceProcess) -> int:
    pid = service.process.pid
    service.process.send_signal(signal.SIGKILL)
    service.process.wait(timeout=10)
    return pid


def test_a_killed_service_comes_back_after_a_growing_back_off(service):
    clock, out = Clock(), io.StringIO()
    supervisor = Supervisor([service], first_delay=1, max_delay=8, stable_after=60, clock=clock, out=out)
    supervisor.check()
    first_pid = kill(service)
    supervisor.check()
    assert "web stopped unexpectedly; restarting it in 1 s" in out.getvalue()
    clock.now += 0.5
    supervisor.check()
    assert not service.alive()  # still backing off
    clock.now += 0.5
    supervisor.check()
    assert service.alive() and service.process.pid != first_pid
    wait_until_healthy(service, "/", 30)  # the same port, serving again

    kill(service)
    supervisor.check()
    assert "restarting it in 2 s" in out.getvalue()  # died again soon: twice the wait
    clock.now += 1.9
    supervisor.check()
    assert not service.alive()
    clock.now += 0.1
    supervisor.check()
    wait_until_healthy(service, "/", 30)
    assert supervisor.restarts == {"web": 2}


def test_a_service_up_long_enough_is_back_to_the_first_delay(service):
    clock, out = Clock(), io.StringIO()
    supervisor = Supervisor([service], first_delay=1, max_delay=8, stable_after=60, clock=clock, out=out)
    supervisor.check()
    for _ in range(2):  # two quick deaths: the next wait would be 4 s
        kill(service)
        supervisor.check()
        clock.now += 8
        supervisor.check()
        wait_until_healthy(service, "/", 30)
    clock.now += 60
    supervisor.check()  # up for a minute: forgiven
    kill(service)
    supervisor.check()
    notices = [line for line in out.getvalue().splitlines() if "stopped unexpectedly" in line]
    assert [notice.split(" in ")[-1] for notice in notices] == ["1 s:", "2 s:", "1 s:"]
