"""Attacks by another local user on the run-time files: the database (and SQLite's journal files), the
logs, the outbox's e-mails (every one-time code) must be readable by the services' user only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from launcher.paths import ROOT
from launcher.private_files import make_private
from tests.api.chat_sessions import LAURA, verify
from tests.conftest import start_demo_api


def open_to_others(base: Path) -> list[str]:
    """Every file or folder under ``base`` that a user other than its owner could read, write or enter."""
    found = []
    for folder, folders, files in os.walk(base):
        for name in [*folders, *files]:
            path = Path(folder) / name
            if not path.is_symlink() and path.lstat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                found.append(f"{path.relative_to(base)} {stat.filemode(path.lstat().st_mode)}")
    return found


@pytest.mark.attack
def test_another_local_user_can_read_nothing_the_services_wrote(tmp_path) -> None:
    previous = os.umask(0o022)  # a machine's usual default: the services must not depend on it
    try:
        api = start_demo_api(tmp_path / "var")
    finally:
        os.umask(previous)
    try:
        verify(api.url, api.token, api.outbox_dir, "whatsapp:+5491155550199", LAURA)  # a code in an .eml
        written = [path.name for path in (tmp_path / "var").rglob("*")]
        assert "miaval.db" in written and any(name.endswith(".eml") for name in written)
        assert any(name.endswith(".log") for name in written)
        assert open_to_others(tmp_path / "var") == []
    finally:
        api.process.stop()


@pytest.mark.attack
def test_files_an_older_version_left_open_are_closed_at_start_but_the_model_stays_readable(tmp_path) -> None:
    var = tmp_path / "var"
    (var / "outbox").mkdir(parents=True)
    (var / "rasa-models").mkdir()
    (var / "outbox" / "code.eml").write_text("Tu código: 123456")
    (var / "miaval.db-wal").write_bytes(b"wal")
    (var / "rasa-models" / "assistant.tar.gz").write_bytes(b"model")
    for path in (var, var / "outbox", var / "rasa-models"):
        path.chmod(0o755)
    for path in (var / "outbox" / "code.eml", var / "miaval.db-wal", var / "rasa-models" / "assistant.tar.gz"):
        path.chmod(0o644)
    make_private(var, leave=[var / "rasa-models"])
    assert sorted(open_to_others(var)) == ["rasa-models drwxr-xr-x", "rasa-models/assistant.tar.gz -rw-r--r--"]


@pytest.mark.attack
def test_servers_and_containers_run_every_service_with_a_private_umask() -> None:
    units = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
    assert units and [unit.name for unit in units if "\nUMask=0077\n" not in unit.read_text()] == []
    containerfile = (ROOT / "deploy" / "containers" / "Containerfile").read_text()
    assert 'ENTRYPOINT ["/bin/sh", "-c", "umask 077 && exec \\"$@\\"", "miaval"]' in containerfile
    compose = yaml.safe_load((ROOT / "deploy" / "containers" / "compose.yaml").read_text())
    # A service with its own entrypoint replaces the image's: it must set the umask itself.
    own = {name: service["entrypoint"] for name, service in compose["services"].items() if "entrypoint" in service}
    assert all("umask 077" in " ".join(entrypoint) for entrypoint in own.values()), own
