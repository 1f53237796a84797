"""The four seeds against the hand-made gold with the project's own scorer (../shared/tools).

CI has shared/ beside the repository; without it the test is skipped.
"""

import importlib.util
import json
from pathlib import Path

import pytest

from tests.knowledge._samples import parsed

SHARED = Path(__file__).resolve().parents[3] / "shared"
GOLD = SHARED / "gold"
SCORER = SHARED / "tools" / "score_parse.py"

pytestmark = pytest.mark.skipif(not (GOLD.is_dir() and SCORER.is_file()), reason="../shared/gold not present")


def _scorer():
    spec = importlib.util.spec_from_file_location("score_parse", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["hsn-2024-09-04", "hsu-2024-08-28", "vsu-2022-05-04", "hsn-verksamhetsplan-2024-2026"])
def test_seed_matches_gold(name):
    scorer = _scorer()
    gold = json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))
    got = json.loads(json.dumps(parsed(name).export(), ensure_ascii=False))
    tallies = {k: scorer.Tally() for k in ("meeting", "paragraphs", "titles", "dnr", "decisions", "reservations",
                                           "protocol_notes", "schedule_changes", "figures")}
    scorer.score(gold, got, tallies)
    scores = {k: round(t.f1(), 3) for k, t in tallies.items()}
    assert scores == dict.fromkeys(tallies, 1.0)
