"""Environment variables declared once per process: name, default, secret or not.

Each process has one settings class, a frozen dataclass whose fields say which
variable they come from::

    @dataclass(frozen=True)
    class Settings:
        api_token: str = env("MIAVAL_API_TOKEN", secret=True, generated=True)
        timeout: float = env("MIAVAL_API_TIMEOUT", 5.0)

``read(Settings)`` builds it from the environment (an empty value counts as
unset); ``variables(Settings)`` lists the declarations, which the launcher uses
to build each service's environment from the same names, and
``install_redaction`` keeps every secret value out of the process's logs.

Standard library only: both Python environments (the app's and Rasa's) import it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import typing
from typing import Any, Iterable, Mapping, Optional, TypeVar

T = TypeVar("T")
_METADATA_KEY = "envsettings"
REDACTED = "[redacted]"


@dataclasses.dataclass(frozen=True)
class Variable:
    """One environment variable a process reads."""

    name: str
    default: Any
    secret: bool = False
    # The launcher makes a random value once and keeps it in var/secrets.env.
    generated: bool = False
    doc: str = ""


class MissingSetting(RuntimeError):
    """A required variable is not set."""


def env(name: str, default: Any = "", *, secret: bool = False, generated: bool = False, doc: str = "") -> Any:
    """A dataclass field read from the environment variable ``name`` (``default`` when unset or empty)."""
    if isinstance(default, (list, dict, set)):
        raise TypeError(f"{name}: use an immutable default (a tuple, not a list)")
    variable = Variable(name=name, default=default, secret=secret or generated, generated=generated, doc=doc)
    return dataclasses.field(default=default, metadata={_METADATA_KEY: variable})


def _declared(cls: type) -> list[tuple[dataclasses.Field, Variable]]:
    return [(item, item.metadata[_METADATA_KEY]) for item in dataclasses.fields(cls) if _METADATA_KEY in item.metadata]


def variables(cls: type) -> tuple[Variable, ...]:
    """Every variable a settings class declares, in declaration order."""
    return tuple(variable for _, variable in _declared(cls))


def names(cls: type) -> frozenset[str]:
    """The names of the variables a settings class declares."""
    return frozenset(variable.name for variable in variables(cls))


def _convert(kind: Any, raw: str) -> Any:
    if typing.get_origin(kind) is typing.Union:  # Optional[X]
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if kind is int:
        return int(raw)
    if kind is float:
        return float(raw)
    if typing.get_origin(kind) is tuple:
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    return raw


def read(cls: type[T], environ: Optional[Mapping[str, str]] = None, **overrides: Any) -> T:
    """An instance of ``cls`` from the environment (``os.environ`` by default), then ``overrides``."""
    environ = os.environ if environ is None else environ
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for item, variable in _declared(cls):
        raw = environ.get(variable.name, "").strip()
        if raw:
            values[item.name] = _convert(hints[item.name], raw)
    values.update(overrides)
    return cls(**values)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def environment(cls: type, **values: Any) -> dict[str, str]:
    """The variables that give these attributes of ``cls`` their values (``api_token=...`` -> MIAVAL_API_TOKEN)."""
    by_attribute = {item.name: variable for item, variable in _declared(cls)}
    unknown = sorted(set(values) - set(by_attribute))
    if unknown:
        raise TypeError(f"{cls.__module__}.{cls.__name__} declares no variable for {', '.join(unknown)}")
    return {by_attribute[attribute].name: _text(value) for attribute, value in values.items()}


def default_environment(declared: Iterable[Variable]) -> dict[str, str]:
    """Each of these variables set to its declared default (for a program that refuses an unset one)."""
    return {variable.name: _text(variable.default) for variable in declared}


def name_of(cls: type, attribute: str) -> str:
    """The variable behind one attribute of a settings class (``api_token`` -> ``MIAVAL_API_TOKEN``)."""
    (name,) = environment(cls, **{attribute: ""})
    return name


def explicitly_set(cls: type, attribute: str, environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether the variable behind ``attribute`` is set (not left to its default)."""
    environ = os.environ if environ is None else environ
    return bool(environ.get(name_of(cls, attribute), "").strip())


def secret_values(settings: Any) -> list[str]:
    """The values of the secret variables set in ``settings`` (what must never reach a log)."""
    found = []
    for item, variable in _declared(type(settings)):
        value = getattr(settings, item.name)
        if variable.secret and isinstance(value, str) and value:
            found.append(value)
    return found


def install_redaction(secrets: Iterable[str]) -> None:
    """Replace each of ``secrets`` by ``[redacted]`` in every log record this process makes.

    Done where records are made (the record factory), so it holds for every
    logger and handler, the libraries' and gunicorn's included, and for the
    text of logged exceptions.
    """
    values = sorted({value for value in secrets if value and len(value) >= 6}, key=len, reverse=True)
    if not values:
        return
    previous = logging.getLogRecordFactory()

    def redact(text: str) -> str:
        for value in values:
            text = text.replace(value, REDACTED)
        return text

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return record
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
