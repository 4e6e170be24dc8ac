"""The book's editions: English at ``_build/html`` and Chinese at ``_build/html/zh``, one source.

The Chinese edition is Sphinx's own internationalisation: ``make translations`` extracts every
translatable message of the book into ``_build/gettext`` (one catalog per page) and merges them into
``locales/zh_CN/LC_MESSAGES/`` with ``sphinx-intl``, which marks a message whose English changed as
fuzzy (Sphinx then shows the English, never a stale translation). ``make book`` builds the English
edition with Jupyter Book, then the Chinese one from the same executed notebooks with
``language=zh_CN``, into ``zh/`` beside it with the same relative paths.

    python -m runthenumbers.editions build all      # both editions, as `make book` builds them
    python -m runthenumbers.editions build zh_CN    # the Chinese edition (after the English one)
    python -m runthenumbers.editions gettext        # the message templates, into _build/gettext
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "_build"
LOCALES = REPO / "locales"
# The editions other than English: the language Sphinx is told, and the folder of the site it goes in.
EDITIONS = {"zh_CN": "zh"}
# hreflang and <html lang> of each edition.
HREFLANG = {"en": "en", "zh_CN": "zh-Hans"}
# Pages that stay in English in every edition: the command line and the developers' pages.
ENGLISH_ONLY = ("book/contributing", "book/cli", "book/parameters", "book/developers")


def edition_folder(language: str) -> str:
    """The site folder of an edition relative to the English root: '' for English, 'zh' for zh_CN."""
    return EDITIONS.get(language, "")


def _build(builder: str, outdir: Path, doctrees: Path, overrides: dict) -> int:
    from jupyter_book.sphinx import build_sphinx  # type: ignore[import-untyped]

    result = build_sphinx(
        str(REPO),
        str(outdir),
        noconfig=True,
        path_config=str(REPO / "_config.yml"),
        confoverrides={
            # As `jupyter-book build .` passes it, so that either command reuses the other's environment.
            "external_toc_path": (REPO / "_toc.yml").as_posix(),
            "latex_individualpages": False,
            "nitpicky": True,
            **overrides,
        },
        builder=builder,
        doctreedir=str(doctrees),
        warningiserror=True,
        keep_going=True,
    )
    return result if isinstance(result, int) else 1


def build_edition(language: str, build: Path = BUILD) -> int:
    """Build the edition in ``language`` into its folder of ``build/html``; the exit status."""
    folder = EDITIONS[language]
    return _build("html", build / "html" / folder, build / f".doctrees-{folder}", {"language": language})


def build_book(build: Path = BUILD) -> int:
    """Build the English edition into ``build/html`` exactly as ``jupyter-book build . -W -n --keep-going``
    does, then every other edition beside it, in one process: a no-change rebuild then starts Python,
    Sphinx and the extensions once, not once an edition. The exit status is the first failure's."""
    english = _build("html", build / "html", build / ".doctrees", {})
    if english:
        return english
    for language in EDITIONS:
        status = build_edition(language, build)
        if status:
            return status
    return 0


def gettext(build: Path = BUILD) -> int:
    """Write the book's message templates, one per page, into ``build/gettext``."""
    return _build("gettext", build / "gettext", build / ".doctrees-gettext", {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build one edition other than English, or 'all': English, then the others")
    build.add_argument("language", choices=[*sorted(EDITIONS), "all"])
    templates = sub.add_parser("gettext", help="write the message templates into _build/gettext")
    for command in (build, templates):
        command.add_argument("--build-dir", type=Path, default=BUILD, help="the build folder (default: _build)")
    args = parser.parse_args(argv)
    if args.command == "build":
        if args.language == "all":
            return build_book(args.build_dir)
        return build_edition(args.language, args.build_dir)
    return gettext(args.build_dir)


if __name__ == "__main__":
    sys.exit(main())
