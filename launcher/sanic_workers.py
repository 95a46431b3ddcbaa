"""The action server's Sanic workers, each one forked again if it dies.

rasa-sdk 3.6 pins Sanic 21.12, whose ``serve_multiple`` forks the workers once
and only waits for them: a worker that crashes (or is killed) is gone until the
whole action server restarts, and the server keeps running with fewer workers.
``serve_multiple`` here is Sanic's, except that the main process watches its
workers and forks a dead one again on the same listening socket (Sanic 22.9+
does this with its worker manager; it cannot be used with rasa-sdk 3.6).
``install()`` makes Sanic use it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import time
from typing import Any

import sanic.app
from sanic.server.events import trigger_events
from sanic.server.runners import serve
from sanic.server.socket import bind_socket, bind_unix_socket, remove_unix_socket

log = logging.getLogger("launcher.sanic_workers")
WATCH_EVERY_SECONDS = 0.5


def serve_multiple(server_settings: dict[str, Any], workers: int) -> None:
    """Serve with ``workers`` forked processes sharing one socket until SIGINT/SIGTERM; re-fork the dead ones."""
    server_settings["reuse_port"] = True
    server_settings["run_multiple"] = True
    main_start = server_settings.pop("main_start", None)
    main_stop = server_settings.pop("main_stop", None)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    trigger_events(main_start, loop)

    sock = server_settings.get("sock")
    unix = server_settings["unix"]
    backlog = server_settings["backlog"]
    if unix:
        sock = bind_unix_socket(unix, backlog=backlog)
        server_settings["unix"] = unix
    if sock is None:
        sock = bind_socket(server_settings["host"], server_settings["port"], backlog=backlog)
        sock.set_inheritable(True)
        server_settings["sock"] = sock
        server_settings["host"] = None
        server_settings["port"] = None

    context = multiprocessing.get_context("fork")
    processes: list[multiprocessing.process.BaseProcess] = []
    stopping = False
    main_pid = os.getpid()

    def fork() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=serve, kwargs=server_settings)
        process.daemon = True
        process.start()
        return process

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        if os.getpid() != main_pid:  # a worker, before its own loop's handler is set: it is stopping anyway
            return
        stopping = True
        log.info("Received signal %s. Shutting down.", signal.Signals(signum).name)
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    processes.extend(fork() for _ in range(workers))
    while not stopping:
        time.sleep(WATCH_EVERY_SECONDS)
        for index, process in enumerate(processes):
            if not stopping and not process.is_alive():
                log.error("action server worker %s exited (code %s): starting another", process.pid, process.exitcode)
                processes[index] = fork()
    for process in processes:
        process.join()

    trigger_events(main_stop, loop)
    sock.close()
    loop.close()
    remove_unix_socket(unix)


def install() -> None:
    """Sanic's multi-worker ``app.run`` uses this ``serve_multiple``."""
    sanic.app.serve_multiple = serve_multiple
