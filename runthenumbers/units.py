"""Numbers as a reader writes them: the one formatter of the site, the notebooks and the CLI.

:func:`quantity` writes a value of any unit the ledger and the parameters use, in one of two styles
with the same digits: ``short`` for tables (``$4.95B``, ``$115M``, ``$2.00/GPU-hour``) and ``long``
for prose (``$4.95 billion``, ``$115 million``, ``$2.00 per GPU-hour``). Everything else reads the
same in both: a fraction is a percentage with the decimals it needs (``4.37%``, ``62%``), a count is
a whole number with thousands separators, a date prints at the precision its source gives
(:func:`date_text`), and a number without a unit keeps six significant digits (:func:`number`).
:func:`fact_text` is a ledger fact in its own unit; :func:`formatted` is what a ``{glue:text}`` role
shows for a value glued with its unit. Imports only :mod:`runthenumbers.calendar`.
"""

from __future__ import annotations

import math
import re

from .calendar import ARTICLE_HORIZON, date_parts, half_label, month_label

CURRENCIES = {"USD": "$", "GBP": "£", "EUR": "€"}
SHORT, LONG = "short", "long"
STYLES = (SHORT, LONG)
# The key of a glued value's output metadata that holds its unit ({"unit": "USD"}): written by
# runthenumbers.publish.number, read by the site's {glue:text} role to write the value by it.
UNIT_METADATA = "runthenumbers"
# A bare amount of money at or above each size is written in it: (size, short word, long word).
_SCALES = ((1e9, "B", " billion", 2), (1e6, "M", " million", 1))
_SCALE_NAMES = {"billion": 1e9, "million": 1e6}
# Below this size a number of no unit is written with an exponent: its digits would be mostly zeros.
_TINY = 1e-6
_HALF = re.compile(r"^\d{4}-H([12])$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_MONTH_ONLY_NOTE = re.compile(r"month only|month end by convention", re.IGNORECASE)


def plain(value: float, decimals: int = 2) -> str:
    """A number with thousands separators and at most ``decimals`` decimals, trailing zeros dropped."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number(value: float, significant: int = 6) -> str:
    """A number of no unit: ``significant`` digits, thousands separators, and an exponent only below a
    millionth.

    1177.725 -> '1,177.72', 0.0437 -> '0.0437', 4953967000.0 -> '4,953,967,000' (whole digits are
    never rounded away), 2.22e-16 -> '2.22e-16'.
    """
    if value == 0 or not math.isfinite(value):
        return plain(value, 0) if value == 0 else str(value)
    if abs(value) < _TINY:
        return f"{value:.{significant}g}"
    whole_digits = math.floor(math.log10(abs(value))) + 1
    return plain(value, max(0, significant - whole_digits))


def percent(value: float, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.62 -> '62%', 0.0437 -> '4.37%'; whole percentages lose their decimals."""
    scaled = value * 100
    if abs(scaled - round(scaled)) < 1e-9:
        return f"{round(scaled):.0f}%"
    for places in range(1, max(decimals, 2) + 1):
        if abs(scaled - round(scaled, places)) < 1e-9:
            return f"{scaled:.{places}f}%"
    text = f"{scaled:.{decimals}f}%"
    return text.lstrip("-") if float(text[:-1]) == 0 else text  # never '-0.0%'


def signed_percent(value: float) -> str:
    """A relative difference: '+4.2%', '-12.0%', and '0.0%' (never '-0.0%') when it rounds to nothing."""
    if abs(value) < 0.0005:
        return "0.0%"
    return f"{value:+.1%}"


def _style(style: str) -> str:
    if style not in STYLES:
        raise ValueError(f"style {style!r} is not one of {', '.join(STYLES)}")
    return style


def money(value: float, symbol: str = "$", style: str = LONG) -> str:
    """'$4.95 billion', '$115 million', '$60,000'; in the short style '$4.95B', '$115M', '$60,000'.

    Billions keep two decimals, millions at most one (trailing zeros dropped), smaller amounts whole
    dollars (cents below $100).
    """
    short = _style(style) == SHORT
    sign = "-" if value < 0 else ""
    size = abs(value)
    for threshold, short_word, long_word, decimals in _SCALES:
        if size >= threshold:
            scaled = size / threshold
            digits = f"{scaled:,.{decimals}f}" if decimals == 2 else plain(scaled, decimals)
            return f"{sign}{symbol}{digits}{short_word if short else long_word}"
    return f"{sign}{symbol}{plain(size, 2 if size < 100 else 0)}"


def date_text(value, period: str = "", note: str = "") -> str:
    """A yyyymmdd date at the precision its source gives.

    A period such as ``2026-H2`` gives 'second half of 2026'; 1 January of a year-long period gives the
    year alone ('2022'); the first (or, when the ledger's note says
    the source gives the month only, the last) day of a month gives 'January 2024'; any other day gives
    '26 February 2025'.
    """
    year, month, day = (int(x) for x in date_parts(value))
    if _HALF.match(period or ""):
        return half_label(value)
    if re.fullmatch(r"(FY)?\d{4}", period or "") and month == 1 and day == 1:
        return str(year)
    month_only = bool(_MONTH_ONLY_NOTE.search(note or "")) or (day == 1 and bool(_MONTH.match(period or "")))
    if month_only:
        return month_label(value)
    return f"{day} {month_label(value)}"


_QUARTER_CODE = re.compile(r"\b(\d{4})-Q([1-4])\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_HALF_CODE = re.compile(r"\b(\d{4})-H([12])\b")


def readable_dates(text: str) -> str:
    """``text`` with its quarter codes and ISO dates written as readers write them: "2026-Q1" becomes
    "Q1 2026", "2025-06-30" becomes "30 June 2025" and "2026-H2" becomes "H2 2026"; the rest is left alone."""

    def iso(match: re.Match) -> str:
        year, month, day = (int(g) for g in match.groups())
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return match.group(0)
        return f"{day} {month_label(year * 10_000 + month * 100 + day)}"

    text = _QUARTER_CODE.sub(lambda m: f"Q{m.group(2)} {m.group(1)}", str(text))
    text = _HALF_CODE.sub(lambda m: f"H{m.group(2)} {m.group(1)}", text)
    return _ISO_DATE.sub(iso, text)


def quantity(value, unit: str, *, style: str = LONG, period: str = "", note: str = "", language: str = "en") -> str:
    """``value`` in ``unit`` as a reader writes it, ``short`` for a table or ``long`` for prose (see the
    module docstring); ``period`` and ``note`` (a ledger fact's) set the precision of a date.
    ``language`` ``zh_CN`` writes it as a Chinese reader does (:func:`quantity_zh`)."""
    short = _style(style) == SHORT
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if is_chinese(language):
        return quantity_zh(value, unit, period=period, note=note)
    if unit in CURRENCIES:
        return money(value, CURRENCIES[unit], style)
    if unit == "fraction":
        return percent(value)
    if unit == "fraction a year":
        return f"{percent(value)} a year"
    if unit.startswith("date"):
        return date_text(value, period, note)
    if unit == "count":
        return plain(value, 0 if abs(value) >= 100 else 2)
    if unit == "multiple":
        return f"{plain(value, 2)}×"
    if unit == "quarter number":
        return ARTICLE_HORIZON.label(int(value) - 1)
    if unit == "USD/GPU-hour":
        return f"${value:,.2f}{'/' if short else ' per '}GPU-hour"
    if unit == "USD/MW":
        return f"{money(value)} per MW"
    if unit == "USD per MW-year":
        return f"{money(value)} per MW a year"
    if unit == "USD/kWh":
        return f"${plain(value, 4)} per kWh"
    if unit in ("years", "months", "quarters"):
        singular = unit[:-1]
        return f"{plain(value)} {singular if value == 1 else unit}"
    if not unit:
        return number(value)
    return f"{plain(value)} {unit}"


def fact_text(fact, style: str = SHORT) -> str:
    """A ledger fact's value in its unit, a date at the precision its source gives (``fact`` has
    ``value``, ``unit``, ``period`` and ``note``, as :class:`runthenumbers.data.Fact`)."""
    return quantity(fact.value, fact.unit, style=style, period=fact.period, note=fact.note)


def formatted(value, unit: str, spec: str = "", language: str = "en") -> str:
    """What a ``{glue:text}`` role shows for ``value`` glued with ``unit``, after the role's ``:spec``.

    No spec is the long style (prose); ``short`` or ``long`` names a style; ``million`` or ``billion``
    followed by a Python format spec writes an amount of money in that scale (``million,.1f`` gives
    '$1,915.4 million'); any other spec is Python's, applied to the value in its base unit
    (``.1%`` for a fraction).
    """
    if spec in ("", *STYLES) or spec == unit:  # a spec naming the value's own unit ('multiple') is its prose
        return quantity(value, unit, style=spec if spec in STYLES else LONG, language=language)
    scale = next((name for name in _SCALE_NAMES if spec.startswith(name)), None)
    if scale is None:
        return format(value, spec)
    if unit not in CURRENCIES:
        raise ValueError(f"the spec {spec!r} writes money in {scale}s; the value's unit is {unit!r}")
    if is_chinese(language):
        # Chinese counts money in 万 and 亿, not in millions and billions: the scale is English only.
        return money_zh(value, unit, money_step(_SCALE_NAMES[scale], spec[len(scale) :] or ",.1f"))
    sign = "-" if value < 0 else ""
    digits = format(abs(value) / _SCALE_NAMES[scale], spec[len(scale) :] or ",.1f")
    return f"{sign}{CURRENCIES[unit]}{digits} {scale}"


def plural(count: int | float, singular: str, plural_form: str | None = None) -> str:
    """'1 claim', '2 claims'; '1 is', '3 are' with ``plural('is', 'are')``-style pairs."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{plain(count, 0)} {word}"


# ---------------------------------------------------------------------------------------------
# Chinese: the same digits in a Chinese reader's convention (53 亿美元, 2026 年第一季度, 6.9 倍)
# ---------------------------------------------------------------------------------------------

CURRENCY_NAMES_ZH = {"USD": "美元", "GBP": "英镑", "EUR": "欧元"}
_ZH_DIGITS = "一二三四"
_QUARTER_TEXT = re.compile(r"^(?:(\d{4})-Q([1-4])|Q([1-4]) (\d{4}))$")


def is_chinese(language: str) -> bool:
    """Whether ``language`` (a Sphinx language: ``zh_CN``, ``zh``) is written in Chinese."""
    return (language or "").lower().startswith("zh")


def money_zh(value: float, unit: str = "USD", step: float | None = None) -> str:
    """An amount of money as a Chinese reader writes it, in 亿 (10^8) or 万 (10^4), with the precision of
    the English text: '53 亿美元' for 5.3e9, '49.5 亿美元' for 4.95e9 ('$4.95 billion'), '1.15 亿美元' for
    1.15e8 ('$115 million'), '1,250 万美元' for 1.25e7, '60,000 美元' for 6e4.

    ``step`` is the precision the English text gives the amount (1e9 for '$24 billion' written with
    ``.0f`` billions, 1e6 for '$284 million'): the amount is rounded to it, so 2.37e10 with a step of 1e9
    is '240 亿美元', never more digits than the English shows.
    """
    name = CURRENCY_NAMES_ZH.get(unit, unit)
    sign = "-" if value < 0 else ""
    size = abs(value)
    if step is None:
        # The English text's own precision: billions with two decimals, millions with at most one.
        step = 1e7 if size >= 1e9 else 1e5 if size >= 1e6 else 1.0
    size = round(size / step) * step
    scale, word = (1e8, " 亿") if size >= 1e8 else (1e4, " 万") if size >= 1e6 else (1.0, " ")
    decimals = max(0, -math.floor(math.log10(step / scale) + 1e-9))
    digits = plain(size / scale, decimals)
    return f"{sign}{digits}{word}{name}"


def money_step(scale: float, spec: str) -> float:
    """The precision of an amount written in ``scale`` (1e9 for billions) with the Python ``spec``
    (``.2f``, ``,.0f``): 1e7 for billions with two decimals."""
    match = re.search(r"\.(\d+)f", spec)
    return scale * 10.0 ** -(int(match[1]) if match else 0)


def month_zh(year: int, month: int) -> str:
    return f"{year} 年 {month} 月"


def quarter_zh(year: int, number: int) -> str:
    """'2026 年第一季度' for the first quarter of 2026."""
    return f"{year} 年第{_ZH_DIGITS[number - 1]}季度"


def date_zh(value, period: str = "", note: str = "") -> str:
    """A yyyymmdd date at the precision its source gives, as :func:`date_text` but in Chinese:
    '2025 年 6 月 30 日', '2024 年 1 月', '2022 年', '2026 年下半年'."""
    year, month, day = (int(x) for x in date_parts(value))
    if _HALF.match(period or ""):
        return f"{year} 年{'上' if month <= 6 else '下'}半年"
    if re.fullmatch(r"(FY)?\d{4}", period or "") and month == 1 and day == 1:
        return f"{year} 年"
    month_only = bool(_MONTH_ONLY_NOTE.search(note or "")) or (day == 1 and bool(_MONTH.match(period or "")))
    if month_only:
        return month_zh(year, month)
    return f"{year} 年 {month} 月 {day} 日"


def quantity_zh(value, unit: str, *, period: str = "", note: str = "") -> str:
    """``value`` in ``unit`` as a Chinese reader writes it (one style: Chinese prose and tables agree)."""
    if unit in CURRENCIES:
        return money_zh(value, unit)
    if unit == "fraction":
        return percent(value)
    if unit == "fraction a year":
        return f"每年 {percent(value)}"
    if unit.startswith("date"):
        return date_zh(value, period, note)
    if unit == "count":
        return plain(value, 0 if abs(value) >= 100 else 2)
    if unit == "multiple":
        return f"{plain(value, 2)} 倍"
    if unit == "quarter number":
        return label_zh(ARTICLE_HORIZON.label(int(value) - 1))
    if unit == "USD/GPU-hour":
        return f"每 GPU 小时 {value:,.2f} 美元"
    if unit == "USD/MW":
        return f"每兆瓦 {money_zh(value)}"
    if unit == "USD per MW-year":
        return f"每兆瓦每年 {money_zh(value)}"
    if unit == "USD/kWh":
        return f"每千瓦时 {plain(value, 4)} 美元"
    if unit in ("years", "months", "quarters"):
        return f"{plain(value)} {dict(years='年', months='个月', quarters='个季度')[unit]}"
    if not unit:
        return number(value)
    return f"{plain(value)} {unit}"


def label_zh(text: str) -> str:
    """A quarter, month, half-year or date label written in English ('2026-Q3', 'Q3 2026', 'June 2024',
    'second half of 2026', '30 June 2025', '2024-06-03', 'never') in Chinese; any other text unchanged."""
    from .calendar import MONTH_NAMES

    quarter = _QUARTER_TEXT.match(text)
    if quarter:
        year, number = (quarter[1], quarter[2]) if quarter[1] else (quarter[4], quarter[3])
        return quarter_zh(int(year), int(number))
    if text == "never":
        return "从不"
    quarters = re.fullmatch(r"Q([1-4])[-–]Q([1-4])", text)
    if quarters:
        return f"第{_ZH_DIGITS[int(quarters[1]) - 1]}至第{_ZH_DIGITS[int(quarters[2]) - 1]}季度"
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        return f"{month_zh(int(iso[1]), int(iso[2]))} {int(iso[3])} 日"
    half = re.fullmatch(r"(first|second) half of (\d{4})", text)
    if half:
        return f"{half[2]} 年{'上' if half[1] == 'first' else '下'}半年"
    half = re.fullmatch(r"(?:(\d{4})-H([12])|H([12]) (\d{4}))", text)
    if half:
        year, number = (half[1], half[2]) if half[1] else (half[4], half[3])
        return f"{year} 年{'上' if number == '1' else '下'}半年"
    names = "|".join(MONTH_NAMES)
    dated = re.fullmatch(rf"(?:(\d{{1,2}}) )?({names}) (\d{{4}})", text)
    if dated:
        month = MONTH_NAMES.index(dated[2]) + 1
        return f"{month_zh(int(dated[3]), month)}{f' {int(dated[1])} 日' if dated[1] else ''}"
    return text


_ENGLISH_MONEY = re.compile(r"^(-?)([$£€])([\d,]+(?:\.\d+)?)( ?(?:B|M|billion|million))?$")


def number_text_zh(text: str) -> str:
    """A number as English text writes it ('$1.97', '$4.95B', '$115 million', '2.3×', '4.37%', '2026-Q1')
    in the Chinese convention ('1.97 美元', '49.5 亿美元', '1.15 亿美元', '2.3 倍'); other text unchanged."""
    text = text.strip()
    money = _ENGLISH_MONEY.match(text)
    if money:
        sign, symbol, digits, scale = money.groups()
        unit = next(code for code, sign_of in CURRENCIES.items() if sign_of == symbol)
        amount = float(digits.replace(",", ""))
        scale = (scale or "").strip()
        if not scale:
            return f"{sign}{digits} {CURRENCY_NAMES_ZH[unit]}"
        size = 1e9 if scale in ("B", "billion") else 1e6
        decimals = len(digits.partition(".")[2])
        return money_zh(float(sign + "1") * amount * size, unit, step=size * 10.0**-decimals)
    span = re.fullmatch(r"([$£€])([\d.]+)[-–]([\d.]+) (billion|million)", text)
    if span:
        low, high = (number_text_zh(f"{span[1]}{part} {span[4]}") for part in (span[2], span[3]))
        low_digits, _, low_word = low.partition(" ")
        return f"{low_digits}–{high}" if high.endswith(" " + low_word) else f"{low}–{high}"
    multiple = re.fullmatch(r"([\d,.]+) ?[×x]", text)
    if multiple:
        return f"{multiple[1]} 倍"
    return label_zh(text)
