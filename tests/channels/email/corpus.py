"""Where the shared email corpus lives (beside the project: ../shared/corpus/email)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "email"


def corpus_or_skip() -> Path:
    if not (CORPUS_DIR / "manifest.tsv").exists():
        pytest.skip(f"the email corpus is not at {CORPUS_DIR}", allow_module_level=True)
    return CORPUS_DIR


def manifest() -> list[dict[str, str]]:
    """One row per corpus message: file, category, tags, charsets, client_hint, expected, ..."""
    with (corpus_or_skip() / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def messages() -> list[Path]:
    return sorted(corpus_or_skip().glob("*/*.eml"))
