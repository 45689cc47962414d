"""One test per failure shape issue 17 lists for the recommendations parser."""

from __future__ import annotations

from recommendations.parsing import parse_recommendations


def test_a_contents_list_before_the_real_list_is_skipped_and_said():
    text = """Contents
1. Executive summary
2. Key recommendations
3. Summary of the peer challenge approach
4. Feedback

Key recommendations
1. Masterplan
The council should agree a masterplan.
2. Accounts
The council should publish its accounts.
"""
    result = parse_recommendations(text)
    assert [r.title for r in result.recommendations] == ["Masterplan", "Accounts"]
    assert any("line 2" in s and "section headings or contents" in s for s in result.skipped)


def test_a_purpose_of_the_review_bullet_list_is_not_taken():
    text = """The council asked the peer team to:
- review its approach to regeneration
- consider its financial plans

The peer team's recommendations are as follows:
- Agree a regeneration strategy with partners.
- Close the budget gap for 2026/27.
"""
    result = parse_recommendations(text)
    assert [r.text for r in result.recommendations] == [
        "Agree a regeneration strategy with partners.",
        "Close the budget gap for 2026/27.",
    ]
    assert result.skipped and "review its approach" in result.skipped[0]


def test_numbered_section_headings_are_not_recommendations():
    text = """1. Introduction
2. Background
3. Findings
4. Next steps
"""
    result = parse_recommendations(text)
    assert any("section headings" in w for w in result.warnings)


def test_a_lettered_list_is_read_as_recommendations():
    result = parse_recommendations(
        "a) Vision: Set a clear vision for the place with partners.\n"
        "b) Budget: Close the gap in the medium term plan.\n"
    )
    assert [(r.number, r.title) for r in result.recommendations] == [(1, "Vision"), (2, "Budget")]


def test_a_count_stated_in_the_text_is_checked():
    text = "The peer team made 3 key recommendations:\n1. One\nDo one.\n2. Two\nDo two.\n"
    result = parse_recommendations(text)
    assert result.stated_count == 3
    assert (
        "The text says there are 3 recommendations, but 2 were found: check that none is "
        "missing or extra." in result.warnings
    )


def test_a_count_that_matches_gives_no_warning():
    text = "The peer team made two recommendations:\n1. One\nDo one.\n2. Two\nDo two.\n"
    assert not any("says there are" in w for w in parse_recommendations(text).warnings)


def test_the_five_core_components_are_flagged():
    text = (
        "1. Local priorities and outcomes\n2. Organisational and place leadership\n"
        "3. Governance and culture\n4. Financial planning and management\n"
        "5. Capacity for improvement\n"
    )
    result = parse_recommendations(text)
    assert any("five core components" in w for w in result.warnings)


def test_core_components_before_the_recommendations_are_skipped():
    text = (
        "The five core components:\n1. Local priorities and outcomes\n"
        "2. Organisational and place leadership\n3. Governance and culture\n\n"
        "Key recommendations\n1. Housing\nImprove housing compliance.\n"
    )
    result = parse_recommendations(text)
    assert [r.title for r in result.recommendations] == ["Housing"]
    assert any("core components" in s for s in result.skipped)
    assert not any("Check this list" in w for w in result.warnings)


def test_progress_review_theme_headings_are_flagged():
    text = (
        "Progress review feedback, under these themes:\n"
        "1. Strategic direction\n2. Financial sustainability\n3. Capacity\n"
    )
    assert any("progress review's theme headings" in w for w in parse_recommendations(text).warnings)


def test_a_closing_sentence_after_bullets_is_not_swallowed():
    text = (
        "Recommendations\n- Agree priorities.\n- Close the budget gap.\n"
        "The LGA would like to thank everyone who took part.\n"
    )
    result = parse_recommendations(text)
    assert result.recommendations[-1].text == "Close the budget gap."
    assert any("Stopped reading at “The LGA would like" in w for w in result.warnings)


def test_a_wrapped_bullet_line_still_joins_its_item():
    text = "- Agree the priorities of the council\n  with partners.\n- Close the gap.\n"
    result = parse_recommendations(text)
    assert result.recommendations[0].text == "Agree the priorities of the council with partners."


def test_headings_without_text_do_not_warn_no_title():
    result = parse_recommendations("1. Housing\n2. Finance\n3. Workforce\n")
    assert [r.title for r in result.recommendations] == ["Housing", "Finance", "Workforce"]
    assert not any("no title" in w for w in result.warnings)
    assert any("have a title but no text" in w for w in result.warnings)


def test_numbered_headings_then_a_closing_sentence_stop_the_list():
    text = (
        "1. Housing\n2. Finance\n3. Workforce\nThe council will respond to these recommendations in an action plan.\n"
    )
    result = parse_recommendations(text)
    assert [r.text for r in result.recommendations] == ["Housing", "Finance", "Workforce"]


def test_a_long_paste_with_many_lists_stays_fast():
    import time

    block = "".join(f"- point {n} of a list\n" for n in range(5)) + "Some prose.\n\n"
    text = block * 300 + "Key recommendations\n1. One\nDo one.\n"
    started = time.monotonic()
    result = parse_recommendations(text)
    assert time.monotonic() - started < 2
    assert [r.title for r in result.recommendations] == ["One"]
