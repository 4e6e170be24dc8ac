"""The Chinese edition: its catalogs against the English, numbers in the Chinese convention, and its build."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from runthenumbers import translations, units
from runthenumbers.editions import ENGLISH_ONLY, LOCALES
from runthenumbers.site import i18n, value_text
from runthenumbers.translations import READER_PAGES, Message, changed, missing

# --- Numbers in the Chinese convention, hand-worked ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "written"),
    [
        (5.3e9, "USD", "53 亿美元"),
        (4.95e9, "USD", "49.5 亿美元"),
        (1.15e8, "USD", "1.15 亿美元"),
        (1.25e7, "USD", "1,250 万美元"),
        (60_000, "USD", "60,000 美元"),
        (-2.5e9, "USD", "-25 亿美元"),
        (0.45, "fraction", "45%"),
        (0.0437, "fraction", "4.37%"),
        (6.9, "multiple", "6.9 倍"),
        (20250630, "date", "2025 年 6 月 30 日"),
        (3, "quarter number", "2025 年第三季度"),
        (2, "years", "2 年"),
    ],
)
def test_a_value_is_written_as_a_chinese_reader_writes_it(value, unit, written):
    assert units.quantity(value, unit, language="zh_CN") == written


def test_english_is_unchanged_by_the_language_argument():
    assert units.quantity(4.95e9, "USD") == units.quantity(4.95e9, "USD", language="en") == "$4.95 billion"


def test_money_keeps_the_precision_of_the_english_text():
    # '$24 billion' (.0f billions) is 240 亿, not 237.3 亿; '$284 million' is 2.84 亿.
    assert value_text(23.73, "USD billions .0f", language="zh_CN") == "240 亿美元"
    assert value_text(23.73, "USD billions .0f") == "$24 billion"
    assert value_text(284.4, "USD millions ,.0f", language="zh_CN") == "2.84 亿美元"
    assert units.formatted(1915.4e6, "USD", "million,.1f", "zh_CN") == "19.154 亿美元"


@pytest.mark.parametrize(
    ("label", "chinese"),
    [
        ("2026-Q1", "2026 年第一季度"),
        ("Q4 2027", "2027 年第四季度"),
        ("30 June 2025", "2025 年 6 月 30 日"),
        ("June 2024", "2024 年 6 月"),
        ("2024-06-03", "2024 年 6 月 3 日"),
        ("second half of 2026", "2026 年下半年"),
        ("a phrase", "a phrase"),
    ],
)
def test_a_glued_label_is_written_in_chinese(label, chinese):
    assert units.label_zh(label) == chinese


def test_glued_verdicts_and_phrases_are_translated_and_keep_their_number():
    assert i18n.text("roughly", "zh_CN") == "大致正确"
    assert i18n.text("3 are opinions", "zh_CN") == "3 项是观点"
    assert i18n.text("3 are opinions", "en") == "3 are opinions"


# --- A translation must keep its English's numbers, provenance links and verdicts ------------------

ENGLISH = "By June 2025 CoreWeave owed ${glue:text}`owed_bn:.2f` billion; see {doc}`the debt chapter <debt>`."


def _message(chinese: str, english: str = ENGLISH) -> Message:
    return Message("notebooks/summary", english, chinese, False, 12)


def test_a_faithful_translation_passes():
    assert (
        changed(
            _message(
                "到 2025 年 6 月，CoreWeave 欠款 {glue:text}`owed_bn:USD billions .2f`；见{doc}`债务一章 <debt>`。"
            )
        )
        == []
    )


def test_a_translation_that_drops_a_glued_value_is_refused():
    assert changed(_message("到 2025 年 6 月，CoreWeave 欠款很多；见{doc}`债务一章 <debt>`。")) == [
        "link: drops {glue:text}owed_bn"
    ]


def test_a_translation_that_changes_a_provenance_link_is_refused():
    problems = changed(
        _message("到 2025 年 6 月，CoreWeave 欠款 {glue:text}`owed_m:.0f`；见{doc}`债务一章 <credit>`。")
    )
    assert problems == [
        "link: drops {doc}debt, {glue:text}owed_bn",
        "link: adds {doc}credit, {glue:text}owed_m",
    ]


def test_a_translation_that_types_or_changes_a_number_is_refused():
    assert changed(
        _message("到 2025 年 6 月，CoreWeave 欠款 {glue:text}`owed_bn:.2f` 十亿美元，约 112 亿；见{doc}`债务 <debt>`。")
    ) == ["number: adds 112"]
    assert changed(_message("到 2024 年 6 月，CoreWeave 欠款 {glue:text}`owed_bn:.2f`；见{doc}`债务 <debt>`。")) == [
        "number: drops 2025",
        "number: adds 2024",
    ]


def test_a_translation_that_drops_or_changes_a_verdict_is_refused():
    english = "Of these, {glue:text}`n:.0f` are supported and the rest contradicted."
    assert changed(_message("其中 {glue:text}`n:.0f` 个属实，其余与事实不符。", english)) == []
    assert changed(_message("其中 {glue:text}`n:.0f` 个属实，其余大致正确。", english)) == [
        "verdict: drops contradicted",
        "verdict: adds roughly right",
    ]


def test_the_refusal_names_the_page_and_the_message(tmp_path):
    folder = tmp_path / "zh_CN" / "LC_MESSAGES" / "notebooks"
    folder.mkdir(parents=True)
    (folder / "debt.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f'msgid "{ENGLISH.replace(chr(34), chr(92) + chr(34))}"\nmsgstr "CoreWeave 欠款很多。"\n\n'
        'msgid "Debt"\nmsgstr ""\n',
        encoding="utf-8",
    )
    report = translations.report(tmp_path)
    assert "notebooks/debt                  1/2       50%  reader page" in report
    assert "notebooks/debt:5: number: drops 2025, 6 in 'By June 2025 CoreWeave owed" in report
    assert [m.english for m in missing("notebooks/debt", tmp_path)] == ["Debt"]


# --- The committed catalogs ---------------------------------------------------------------------


def test_every_translation_keeps_the_numbers_links_and_verdicts_of_its_english():
    problems = [
        f"{m.page}:{m.line}: {problem} in '{m.short()}'"
        for page in translations.pages()
        for m in translations.messages(page)
        if not m.fuzzy
        for problem in changed(m)
    ]
    assert not problems, "\n".join(problems)


def test_every_reader_page_is_translated_and_none_is_out_of_date():
    """An untranslated or fuzzy message on a reader page would show a Chinese reader English."""
    lines = []
    for page in READER_PAGES:
        if not translations.catalog_path(page).is_file():
            lines.append(f"{page}: no catalog (run make translations)")
            continue
        for message in missing(page):
            lines.append(f"{page}:{message.line}: {'fuzzy' if message.fuzzy else 'untranslated'}: '{message.short()}'")
    assert not lines, f"{len(lines)} messages of reader pages are not translated:\n" + "\n".join(lines)


def test_the_developer_pages_stay_english():
    for page in ENGLISH_ONLY:
        assert all(not m.chinese for m in translations.messages(page)), page


@pytest.mark.slow
def test_the_catalogs_hold_every_message_of_the_english_pages(tmp_path):
    """A sentence added to or changed on an English reader page is in its catalog (make translations)."""
    from babel.messages.pofile import read_po

    result = subprocess.run(
        [sys.executable, "-m", "runthenumbers.editions", "gettext", "--build-dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    stale = []
    for page in READER_PAGES:
        with (tmp_path / "gettext" / f"{page}.pot").open("rb") as handle:
            english = {m.id for m in read_po(handle) if m.id}
        known = {m.english for m in translations.messages(page) if m.chinese and not m.fuzzy}
        stale += [f"{page}: '{Message(page, e, '', False, 0).short()}'" for e in sorted(english - known)]
    assert not stale, (
        f"{len(stale)} English messages have no current translation (run make translations):\n" + "\n".join(stale)
    )


def test_the_site_catalog_has_no_fuzzy_entries_and_reads():
    catalog = i18n.catalog("zh_CN", str(LOCALES))
    assert catalog["Verdict"] == "结论"
    assert all(isinstance(v, str) and v for v in catalog.values())


def test_the_language_switch_leads_to_the_same_page_in_the_other_language():
    tags, switch = i18n.language_links("notebooks/debt", "en")
    assert '<link rel="alternate" hreflang="zh-Hans" href="../zh/notebooks/debt.html" />' in tags
    assert 'href="../zh/notebooks/debt.html" hreflang="zh-Hans"' in switch
    tags, switch = i18n.language_links("notebooks/debt", "zh_CN")
    assert '<link rel="alternate" hreflang="en" href="../../notebooks/debt.html" />' in tags
    assert 'href="../../notebooks/debt.html" hreflang="en"' in switch
    tags, _ = i18n.language_links("index", "zh_CN")
    assert 'hreflang="en" href="../index.html"' in tags


def test_chart_text_is_translated_in_the_drawing_and_the_spec():
    figure = (
        '<figure class="rtn-chart" id="rtn-chart-1"><div class="rtn-chart-view" role="img" aria-label="Verdict">'
        '<svg><text x="1">Verdict</text><text>2026-Q1</text></svg></div>'
        '<script type="application/json" class="rtn-chart-spec">{"title": "Verdict", "encoding": {"x": {"field": "Verdict"}}}</script>'
        "</figure>"
    )
    translated = i18n.translate_charts(figure, "zh_CN")
    assert '<text x="1">结论</text><text>2026 年第一季度</text>' in translated
    assert '"title": "结论"' in translated and '"field": "Verdict"' in translated
    assert 'aria-label="结论"' in translated
    assert i18n.translate_charts(figure, "en") == figure


def test_the_site_catalog_types_no_number_of_its_own():
    """A chart title's numbers come from the English text ({} in a templated entry), never from the catalog."""
    from babel.messages.pofile import read_po

    from runthenumbers.translations import _numbers

    with (LOCALES / "zh_CN" / "LC_MESSAGES" / "site.po").open("rb") as handle:
        entries = [m for m in read_po(handle) if m.id and m.string]

    def placed(text: str) -> int:
        return text.count("{}") or len(set(re.findall(r"\{\d\}", text)))

    def bare(text: str) -> str:
        return re.sub(r"\{\d?\}", " ", text)

    typed = [
        m.id
        for m in entries
        if _numbers(bare(m.id), False) != _numbers(bare(m.string), True) or placed(m.id) != placed(m.string)
    ]
    assert typed == []
    assert i18n.text(
        "Break-even at $1.97 per GPU-hour, where the curve crosses the useful life; it never pays back at or below $1.18",
        "zh_CN",
    ).startswith("盈亏平衡点为每 GPU 小时 1.97 美元")
