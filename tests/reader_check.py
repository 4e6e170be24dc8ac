"""What the reader check measures on a page, in the browser: split tokens and raw numbers in tables, where the
home page's answer ends, chart titles, and code identifiers a reader would meet.

Shared by ``tests/test_reader_check.py`` and by anyone who wants the same numbers for a built site (the
page heights in the closing note of issue 26 were taken with :data:`MEASURE`).
"""

from __future__ import annotations

import re

# The pages a reader reads (the ledger's reference pages, the sources and the developers' pages aside).
READER_PAGES = (
    "book/intro.html",
    "notebooks/summary.html",
    "book/claims.html",
    "notebooks/after.html",
    "notebooks/concentration.html",
    "notebooks/debt.html",
    "notebooks/credit.html",
    "notebooks/capex.html",
    "notebooks/partner_risk.html",
    "notebooks/uncertainty.html",
    "book/method.html",
    "book/glossary.html",
)
# The Chinese edition's twins (runthenumbers.editions): every check of an English reader page holds for its twin.
READER_PAGES += tuple(f"zh/{page}" for page in READER_PAGES)
# The widths a reader reads at, each with the height of its first screen.
SCREENS = {1280: 800, 390: 844}
# A chart title states a finding when it carries a number that is not a year.
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
DIGIT = re.compile(r"\d")
# Four or more digits in a row with no thousands separator: a raw number (a year standing alone aside).
RAW_NUMBER = re.compile(r"(?<![\d,.])\d{4,}(?:\.\d+)?(?![\d,])")
# Identifiers made of digits are not numbers: an SEC accession number, a company's CIK, a hash.
IDENTIFIER = re.compile(r"\b\d{10}-\d{2}-\d{6}\b|\bCIK \d+|\b[0-9a-f]{40,64}\b")
CODE_NAME = r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"


def states_a_number(title: str) -> bool:
    """Whether ``title`` carries a number other than a year ("62% of 2024 revenue" does, "Revenue in 2024" does not)."""
    return bool(DIGIT.search(YEAR.sub("", title)))


def raw_numbers(text: str) -> list[str]:
    """The raw numbers of a table cell's text: four or more digits without a separator, years aside."""
    found = []
    for match in RAW_NUMBER.finditer(IDENTIFIER.sub("", text)):
        token = match.group(0)
        if YEAR.fullmatch(token):
            continue
        found.append(token)
    return found


MEASURE = """([snake, screen]) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const visible = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const answer = document.querySelector('.rtn-answer');
  const answerBox = answer && visible(answer) ? answer.getBoundingClientRect() : null;
  const verdict = document.querySelector('.rtn-answer .rtn-verdict-line, .rtn-conclusion');
  const verdictBox = verdict && visible(verdict) ? verdict.getBoundingClientRect() : null;
  const first = {answerBottom: answerBox ? answerBox.bottom + window.scrollY : null,
                 verdictBottom: verdictBox ? verdictBox.bottom + window.scrollY : null};
  const height = document.documentElement.scrollHeight;
  document.querySelectorAll('details:not([hidden])').forEach(d => { d.open = true; });
  // Tokens (runs of non-space) of a table cell drawn on more than one line. A compound of words may break
  // after its hyphen ("top-|two"), as type does; a token with a digit (a figure, a date, an id) may not.
  const allowedBreak = (token, range) => {
    if (/[\\u3000-\\u9fff\\uff00-\\uffef]/.test(token)) return true;  // Chinese breaks between characters, as it should
    if (/\\d/.test(token)) return false;
    const parts = token.split(/(?<=[-–—\\/])/);
    return parts.length > 1 && parts.every(p => p.replace(/[^A-Za-z]/g, '').length >= 2 || p.length <= 2);
  };
  const where = table => (table.className || table.parentElement.className || 'table').split(' ')[0];
  const splits = [];
  const cellTexts = [];
  // The audit trail at the foot of a page (how each number was derived, from which ledger rows) and the
  // developers' file manifest are reference tables, not reading: they are left out, as in the code-name check.
  const audit = '.rtn-provenance, .rtn-derivations, .rtn-manifest, .rtn-developer';
  article.querySelectorAll('table').forEach(table => {
    if (!visible(table) || table.closest(audit)) return;
    table.querySelectorAll('td, th').forEach(cell => {
      // A header a phone hides (the cards' column names, clipped to a pixel) is not read.
      const head = cell.closest('thead');
      if (!visible(cell) || (head && head.getBoundingClientRect().width <= 2)) return;
      cellTexts.push(cell.innerText.trim());
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent;
        const re = /\\S+/g;
        let m;
        while ((m = re.exec(text)) !== null) {
          if (m[0].length < 2) continue;
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
          if (tops.size > 1 && !allowedBreak(m[0], range)) splits.push(m[0] + ' in ' + where(table));
        }
      }
    });
  });
  // A chart's title: its own, or (a layered or concatenated chart) the first of its views that has one.
  const titleOf = spec => {
    const title = spec.title;
    if (title) return typeof title === 'string' ? title : [].concat(title.text || '').join(' ');
    for (const key of ['layer', 'hconcat', 'vconcat', 'concat']) {
      for (const child of spec[key] || []) { const found = titleOf(child); if (found) return found; }
    }
    return '';
  };
  const titles = [...document.querySelectorAll('figure.rtn-chart script.rtn-chart-spec')]
    .map(s => titleOf(JSON.parse(s.textContent)));
  const pattern = new RegExp(snake);
  const named = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const skip = 'code, pre, kbd, script, style, .rtn-chart-spec, .rtn-derivations, .rtn-provenance, .rtn-developer';
    if (!parent || parent.closest(skip)) continue;
    if (!visible(parent)) continue;
    const match = node.textContent.match(pattern);
    if (match) named.push(match[0] + ' in <' + parent.tagName.toLowerCase() + '>: ' + node.textContent.trim().slice(0, 80));
  }
  // Tooltips of numbers: a reader hovering a figure should not meet a ledger id.
  article.querySelectorAll('a.rtn-num[title]').forEach(a => {
    const match = a.getAttribute('title').match(pattern);
    if (match) named.push(match[0] + ' in a tooltip: ' + a.getAttribute('title').slice(0, 80));
  });
  return {height, first, splits, cellTexts, titles, named};
}"""
