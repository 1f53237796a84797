"""The bundled seed protocols (identical to ../shared/seeds) for tests on real text."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import knowledge

SAMPLES = Path(knowledge.__file__).parent / "samples"


@cache
def sample(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


@cache
def parsed(name: str):
    from knowledge.parse import parse_text

    return parse_text(sample(name))


def paragraph(name: str, number: int):
    return next(p for p in parsed(name).paragraphs if p.number == number)
