"""What every page handler shares: the settings, a database session, the signed-in staff, the role check."""

from __future__ import annotations

import functools
from contextlib import AbstractContextManager
from typing import Any, Callable, TypeVar

from flask import abort, current_app, g, request
from sqlalchemy.orm import Session

from console import access, audit
from console.settings import Settings
from models import StaffMember

F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    """This console's settings."""
    return current_app.extensions["console.settings"]


def db(write: bool = False) -> AbstractContextManager[Session]:
    """A session for one unit of work (committed at the end of the block)."""
    return current_app.extensions["console.database"].session(write=write)


def me() -> StaffMember:
    """The signed-in staff member (pages are only reached signed in)."""
    return g.staff


def area(name: str) -> Callable[[F], F]:
    """Only staff whose role may use ``name`` (console/access.py) reach the page; others get 403, audited."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            staff = g.get("staff")
            if not access.allowed(staff, name):
                with db(write=True) as session:
                    audit.record(session, staff.id if staff else None, "forbidden", name, path=request.path)
                abort(403)
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate
