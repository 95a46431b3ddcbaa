"""The assistant's domain as one mapping, read from ``domain/`` (one file per flow) the way Rasa merges it.

Rasa loads the folder itself (``Domain.load("domain")``); this is for readers
that want the plain YAML (tests, scripts, the API's copy checks) without
Rasa. Standard library and PyYAML only, which both Python environments have.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DOMAIN_DIR = Path(__file__).resolve().parent.parent / "domain"


def domain_files(folder: Path = DOMAIN_DIR) -> list[Path]:
    """The domain's files, in a fixed order."""
    return sorted(folder.glob("*.yml"))


def load_domain(folder: Path = DOMAIN_DIR) -> dict[str, Any]:
    """Every file of the domain merged: lists joined, mappings united (a key defined twice is an error)."""
    merged: dict[str, Any] = {}
    for path in domain_files(folder):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section, value in part.items():
            if section == "version":
                merged[section] = value
            elif isinstance(value, list):
                merged.setdefault(section, []).extend(value)
            elif isinstance(value, dict):
                target = merged.setdefault(section, {})
                twice = set(target) & set(value)
                if twice and section != "session_config":
                    raise ValueError(f"{path.name}: {section} {sorted(twice)} already defined in another file")
                target.update(value)
            else:
                merged[section] = value
    return merged
