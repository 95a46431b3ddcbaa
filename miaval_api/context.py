"""What a running API holds: settings, database, mailer and the request schemas of the contract."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from openapi_schema_validator import OAS31Validator, oas31_format_checker

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

    def query_names(self, rule: str, method: str) -> frozenset[str] | None:
        """The query parameters the contract gives an operation (Flask rule and method); None if it is not there."""
        cache = self.__dict__.setdefault("_query_names", {})
        if (rule, method) not in cache:
            template = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)
            operation = self.openapi["paths"].get(template, {}).get(method.lower())
            names = None
            if operation is not None:
                parameters = [self._resolve(item) for item in operation.get("parameters", [])]
                names = frozenset(item["name"] for item in parameters if item["in"] == "query")
            cache[(rule, method)] = names
        return cache[(rule, method)]

    def _resolve(self, item: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in item:
            node: Any = self.openapi
            for part in item["$ref"].lstrip("#/").split("/"):
                node = node[part]
            item = node
        return item

    def validator(self, schema_name: str) -> OAS31Validator:
        """A validator for one request schema of the contract (components/schemas/<name>), formats included."""
        cache = self.__dict__.setdefault("_validators", {})
        if schema_name not in cache:
            root = {"$ref": f"#/components/schemas/{schema_name}", "components": self.openapi["components"]}
            cache[schema_name] = OAS31Validator(root, format_checker=oas31_format_checker)
        return cache[schema_name]


def ctx() -> AppContext:
    """The context of the app serving the current request."""
    return current_app.extensions["miaval"]
