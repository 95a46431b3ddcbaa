"""What a running API holds: settings, database, mailer and the request schemas of the contract."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from openapi_schema_validator import OAS31Validator

from miaval_api.db import Database
from miaval_api.mail import Mailer
from miaval_api.settings import Settings

OPENAPI_PATH = Path(__file__).with_name("openapi.yaml")


@dataclass
class AppContext:
    settings: Settings
    db: Database
    mailer: Mailer

    @cached_property
    def openapi_text(self) -> str:
        return OPENAPI_PATH.read_text(encoding="utf-8")

    @cached_property
    def openapi(self) -> dict[str, Any]:
        return yaml.safe_load(self.openapi_text)

    def validator(self, schema_name: str) -> OAS31Validator:
        """A validator for one request schema of the contract (components/schemas/<name>)."""
        cache = self.__dict__.setdefault("_validators", {})
        if schema_name not in cache:
            root = {"$ref": f"#/components/schemas/{schema_name}", "components": self.openapi["components"]}
            cache[schema_name] = OAS31Validator(root)
        return cache[schema_name]


def ctx() -> AppContext:
    """The context of the app serving the current request."""
    return current_app.extensions["miaval"]
