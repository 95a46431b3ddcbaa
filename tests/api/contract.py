"""Checks every answer of the API against miaval_api/openapi.yaml (openapi-schema-validator)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import yaml
from openapi_schema_validator import OAS31Validator

SPEC_PATH = Path(__file__).resolve().parents[2] / "miaval_api" / "openapi.yaml"


class Contract:
    """The OpenAPI document, able to say whether a response obeys it."""

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec
        self.routes = []
        for template, operations in spec["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + r"\Z"
            self.routes.append((re.compile(pattern), template, operations))

    @classmethod
    def load(cls) -> Contract:
        return cls(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))

    def _resolve(self, item: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in item:
            node: Any = self.spec
            for part in item["$ref"].lstrip("#/").split("/"):
                node = node[part]
            item = node
        return item

    def check(self, response: requests.Response) -> None:
        """Raise AssertionError when the response is not what the contract documents."""
        request = response.request
        path = urlsplit(request.url).path
        matches = [(t, ops) for regex, t, ops in self.routes if regex.match(path)]
        assert matches, f"{path} is not in the contract"
        template, operations = matches[0]
        method = request.method.lower()
        assert method in operations, f"{request.method} {template} is not in the contract"
        status = str(response.status_code)
        documented = operations[method]["responses"]
        assert status in documented, (
            f"{request.method} {template} answered {status}, not documented: {response.text[:300]}"
        )
        answer = self._resolve(documented[status])
        content = answer.get("content")
        if not content:
            assert not response.content, f"{template} {status} should have no body"
            return
        media = response.headers.get("Content-Type", "").split(";")[0]
        assert media in content or "*/*" in content, f"{template} {status} answered {media}, documented {list(content)}"
        if media == "application/json":
            schema = content[media]["schema"]
            root = dict(schema, components=self.spec["components"])
            OAS31Validator(root).validate(response.json())
        elif media == "application/pdf":
            assert response.content.startswith(b"%PDF-"), "not a PDF"
