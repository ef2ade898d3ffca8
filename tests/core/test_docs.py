"""The repository explains itself (issue 17): no document sends a newcomer to a file
outside it, and every relative link resolves to a file inside it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_LINK = re.compile(r"\]\(([^)#\s]+)")


def _documents() -> list[Path]:
    skip = {".venv", "build", "dist", ".git", ".pytest_cache", "node_modules"}
    return [
        p for p in ROOT.rglob("*.md")
        if not skip & set(p.relative_to(ROOT).parts) and ".egg-info" not in str(p)
    ]  # fmt: skip


def test_no_document_points_outside_the_repository() -> None:
    documents = _documents()
    assert len(documents) >= 6
    broken: list[str] = []
    for doc in documents:
        text = doc.read_text(encoding="utf-8")
        for outside in ("../shared", "/work/", "shared/brief", "shared/seeds"):
            if outside in text:
                broken.append(f"{doc.relative_to(ROOT)} mentions {outside}")
        for target in _LINK.findall(text):
            if re.match(r"^[a-z]+:", target):
                continue  # a web address
            resolved = (doc.parent / target).resolve()
            if not resolved.is_relative_to(ROOT):
                broken.append(f"{doc.relative_to(ROOT)} links outside: {target}")
            elif not resolved.exists():
                broken.append(f"{doc.relative_to(ROOT)} links to a missing file: {target}")
    assert broken == []


def test_every_test_the_hazard_log_names_exists() -> None:
    log = (ROOT / "docs" / "safety" / "hazard-log.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", log)
    assert len(named) >= 40
    missing = []
    for path, name in named:
        file = ROOT / path
        if not file.exists():
            missing.append(path)
        elif name and not re.search(rf"def {name}\(", file.read_text(encoding="utf-8")):
            missing.append(f"{path}::{name}")
    assert missing == []
