"""Actions never block the action server's event loop on the Mi Aval API.

Every call of the shared client goes through ``backend.call_api`` (a worker
thread); a direct ``api().method(...)`` would stall every other conversation
for the call's duration.
"""

from __future__ import annotations

import ast
import asyncio
import threading
from pathlib import Path

from bot.actions import backend

ACTIONS = Path(__file__).resolve().parents[2] / "bot" / "actions"


def _client_calls(tree: ast.AST) -> list[int]:
    """Lines where a method of ``api()`` (or of a name bound to it) is called directly."""
    bound = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name) and node.value.func.id == "api"
        for target in node.targets if isinstance(target, ast.Name)
    }  # fmt: skip
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        direct = isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "api"
        if direct or (isinstance(owner, ast.Name) and owner.id in bound):
            lines.append(node.lineno)
    return lines


def test_no_action_calls_the_api_on_the_event_loop():
    offenders = {
        str(path.relative_to(ACTIONS)): lines
        for path in sorted(ACTIONS.rglob("*.py"))
        if (lines := _client_calls(ast.parse(path.read_text())))
    }
    assert offenders == {}


def test_the_finder_sees_a_direct_call():
    assert _client_calls(ast.parse("api().whoami(x)\nclient = api()\nclient.forget_identity(x)")) == [1, 3]


def test_call_api_runs_the_call_in_another_thread_and_returns_its_result():
    def where(value: int) -> tuple[int, int]:
        return threading.get_ident(), value

    async def main() -> tuple[int, tuple[int, int]]:
        return threading.get_ident(), await backend.call_api(where, 7)

    loop_thread, (call_thread, value) = asyncio.run(main())
    assert value == 7 and call_thread != loop_thread
