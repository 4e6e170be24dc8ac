"""The reader check (issue 26): every reader page, in Chromium at 1280 and 390 px, reads as an article, not an
audit trail. No word or number is split in a table, no table shows a raw number, the home page's answer is on
the first screen, chart titles state their findings with a number, and no code identifier shows."""

from __future__ import annotations

import pytest
from reader_check import CODE_NAME, MEASURE, READER_PAGES, SCREENS, raw_numbers, states_a_number


def test_a_title_states_a_number_other_than_a_year():
    assert states_a_number("Microsoft alone paid 62% of CoreWeave's 2024 revenue")
    assert states_a_number("2026 brings $5.3 billion of debt payments")
    assert not states_a_number("CoreWeave's revenue by customer group, 2022 to 2024")
    assert not states_a_number("Who paid CoreWeave's 2024 revenue")


def test_a_raw_number_is_four_digits_without_a_separator_and_a_year_is_not():
    assert raw_numbers("2012.5") == ["2012.5"]
    assert raw_numbers("1055 and 20250630") == ["1055", "20250630"]
    assert raw_numbers("$2,012.5 million in 2025, Q1 2026, 30 June 2025") == []
    assert raw_numbers("1,300 MW; 0.0; 12.25") == []


@pytest.fixture(scope="session")
def reader_pages(site, server, browser) -> dict:
    """Each reader page measured at each width (reader_check.MEASURE), with a viewport of its first screen."""
    found = {}
    for width, height in SCREENS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        for path in READER_PAGES:
            page = context.new_page()
            page.goto(f"{server}/{path}", wait_until="load")
            page.wait_for_function(
                "() => [...document.querySelectorAll('figure.rtn-chart')].every(f => f.dataset.rendered === 'vega')",
                timeout=15_000,
            )
            found[(path, width)] = page.evaluate(MEASURE, [CODE_NAME, height])
            page.close()
        context.close()
    return found


@pytest.mark.slow
@pytest.mark.browser
def test_no_word_or_number_is_split_in_a_table(reader_pages):
    split = {f"{path} at {width} px": view["splits"] for (path, width), view in reader_pages.items() if view["splits"]}
    assert split == {}


@pytest.mark.slow
@pytest.mark.browser
def test_no_table_shows_a_raw_number(reader_pages):
    raw = {
        path: sorted({n for text in view["cellTexts"] for n in raw_numbers(text)})
        for (path, width), view in reader_pages.items()
        if width == 1280
    }
    assert {path: numbers for path, numbers in raw.items() if numbers} == {}


@pytest.mark.slow
@pytest.mark.browser
def test_the_home_page_answer_is_on_the_first_screen_at_both_widths(reader_pages):
    for home in ("book/intro.html", "zh/book/intro.html"):
        for width, height in SCREENS.items():
            first = reader_pages[(home, width)]["first"]
            assert first["answerBottom"] is not None, f"{home} has no answer box"
            assert first["answerBottom"] <= height, (
                f"{home} at {width} px: the answer ends at {first['answerBottom']:.0f} px"
            )


@pytest.mark.slow
@pytest.mark.browser
def test_at_least_four_fifths_of_chart_titles_state_a_finding_with_a_number(reader_pages):
    titles = [title for (_, width), view in reader_pages.items() if width == 1280 for title in view["titles"]]
    stating = [title for title in titles if states_a_number(title)]
    assert len(titles) >= 20, titles  # the charts were found
    assert len(stating) >= 0.8 * len(titles), sorted(set(titles) - set(stating))


@pytest.mark.slow
@pytest.mark.browser
def test_no_code_identifier_shows_in_prose_tables_charts_or_tooltips(reader_pages):
    named = {path: view["named"] for (path, width), view in reader_pages.items() if width == 1280 and view["named"]}
    assert named == {}
