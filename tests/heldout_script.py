"""scripts/nlu_heldout.py (the held-out messages, their evaluation, where the model is), imported by path.

scripts/ is not a package. The module is loaded once per process and registered as ``nlu_heldout`` before it runs,
since its dataclasses look their module up in ``sys.modules``; every test that needs it gets that one module.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "nlu_heldout.py"


def heldout_module() -> ModuleType:
    """The ``nlu_heldout`` module, loaded from scripts/ the first time it is asked for."""
    loaded = sys.modules.get("nlu_heldout")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("nlu_heldout", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["nlu_heldout"] = module
    spec.loader.exec_module(module)
    return module
