"""The key recommendations parser on report layouts other councils publish (issue 17).

Each text in corpus/recommendations/ is written for these tests from the facts of a public
LGA Corporate Peer Challenge report or council page (dates, counts, themes), in the layout
councils publish; beside it a .json file holds what the parser must find.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommendations.parsing import parse_recommendations

CORPUS = Path(__file__).parent / "corpus" / "recommendations"
CASES = sorted(path.stem for path in CORPUS.glob("*.txt"))


def test_the_corpus_holds_at_least_twelve_layouts():
    assert len(CASES) >= 12
    assert all((CORPUS / f"{name}.json").exists() for name in CASES)


@pytest.mark.parametrize("name", CASES)
def test_corpus_text_gives_its_expected_recommendations(name):
    expected = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    result = parse_recommendations((CORPUS / f"{name}.txt").read_text(encoding="utf-8"))
    recs = result.recommendations
    assert [r.number for r in recs] == expected["numbers"]
    if "titles" in expected:
        assert [r.title for r in recs] == expected["titles"]
    if "stated_count" in expected:
        assert result.stated_count == expected["stated_count"]
    if "first_text_startswith" in expected:
        assert recs[0].text.startswith(expected["first_text_startswith"])
    if "last_text" in expected:
        assert recs[-1].text == expected["last_text"]
    if "sub_points_of_1" in expected:
        assert recs[0].sub_points == expected["sub_points_of_1"]
    said = " | ".join(result.warnings)
    for fragment in expected.get("warnings_contain", []):
        assert fragment in said
    for fragment in expected.get("warnings_exclude", []):
        assert fragment not in said
    skipped = " | ".join(result.skipped)
    for fragment in expected.get("skipped_contain", []):
        assert fragment in skipped
