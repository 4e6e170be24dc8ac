"""CITATION.cff and the "Cite this book" boxes come from _config.yml, and the file is valid CFF 1.2.0."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from runthenumbers import citation
from runthenumbers.data import REPO_ROOT

# The part of the Citation File Format 1.2.0 schema this file uses, written out from the format's
# specification: the required keys, the shapes of the ones used, and no keys outside the format.
CFF_KEYS = {
    "abstract",
    "authors",
    "cff-version",
    "commit",
    "contact",
    "date-released",
    "doi",
    "identifiers",
    "keywords",
    "license",
    "license-url",
    "message",
    "preferred-citation",
    "references",
    "repository",
    "repository-artifact",
    "repository-code",
    "title",
    "type",
    "url",
    "version",
}
CFF_SCHEMA = {
    "type": "object",
    "required": ["authors", "cff-version", "message", "title"],
    "propertyNames": {"enum": sorted(CFF_KEYS)},
    "properties": {
        "cff-version": {"const": "1.2.0"},
        "message": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1},
        "type": {"enum": ["software", "dataset"]},
        "version": {"type": "string", "minLength": 1},
        "date-released": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"},
        "repository-code": {"type": "string", "pattern": r"^https?://\S+$"},
        "license": {"type": "array", "minItems": 1, "items": {"enum": ["MIT", "CC-BY-4.0"]}},
        "authors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "anyOf": [
                    {
                        "type": "object",
                        "required": ["family-names"],
                        "properties": {"family-names": {"type": "string", "minLength": 1}},
                    },
                    {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string", "minLength": 1}},
                    },
                ]
            },
        },
    },
}


def test_citation_cff_is_what_config_makes():
    assert (REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8") == citation.cff(citation.load()), (
        "CITATION.cff is out of date with _config.yml: run 'make citation'"
    )


def test_citation_cff_is_valid_cff():
    document = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(document, CFF_SCHEMA)


def test_the_schema_would_catch_a_broken_file():
    document = yaml.safe_load(citation.cff(citation.load()))
    for broken in (
        {**document, "date-released": "29 Nov 2026"},
        {**document, "authors": []},
        {**document, "cff_version": "1.2.0"},
        {k: v for k, v in document.items() if k != "title"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, CFF_SCHEMA)


def test_file_bibtex_and_apa_follow_one_change_to_config(tmp_path: Path):
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["citation"] = {"version": "2.3.4", "date": "2027-05-06", "licenses": ["MIT"]}
    config["repository"]["url"] = "https://example.org/rtn"
    path = tmp_path / "_config.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    changed = citation.load(path)
    cff = yaml.safe_load(citation.cff(changed))
    assert (cff["version"], cff["date-released"], cff["repository-code"], cff["license"]) == (
        "2.3.4",
        "2027-05-06",
        "https://example.org/rtn",
        ["MIT"],
    )
    assert "year         = {2027}" in citation.bibtex(changed)
    assert "version      = {2.3.4}" in citation.bibtex(changed)
    assert "\\url{https://example.org/rtn}" in citation.bibtex(changed)
    assert (
        citation.apa(changed)
        == "The Run the Numbers team. (2027). Run the Numbers (Version 2.3.4). https://example.org/rtn"
    )


def test_the_citation_gives_no_address_until_the_repository_has_one():
    """No placeholder: without repository.url in _config.yml, the file, BibTeX and APA name no address."""
    config = (REPO_ROOT / "_config.yml").read_text(encoding="utf-8")
    assert "placeholder" not in config.lower()
    cited = citation.load()
    if not cited.url:
        assert "repository-code" not in yaml.safe_load(citation.cff(cited))
        assert "howpublished" not in citation.bibtex(cited) and citation.bibtex(cited).endswith("2026-11-29}\n}")
        assert citation.apa(cited) == "The Run the Numbers team. (2026). Run the Numbers (Version 0.1.0)."


def test_the_licences_are_cited_and_their_files_exist():
    cff = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == ["MIT", "CC-BY-4.0"]
    assert "MIT License" in (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in (REPO_ROOT / "LICENSE-text-and-data").read_text(encoding="utf-8")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "LICENSE" in readme and "CC BY 4.0" in readme


def test_a_missing_field_is_named(tmp_path: Path):
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    del config["citation"]["date"]
    path = tmp_path / "_config.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(citation.CitationError, match="'citation.date' is missing"):
        citation.load(path)


def test_check_mode_fails_on_a_stale_file(tmp_path: Path, monkeypatch):
    stale = tmp_path / "CITATION.cff"
    stale.write_text("cff-version: 1.2.0\n", encoding="utf-8")
    monkeypatch.setattr(citation, "CFF_FILE", stale)
    assert citation.main(["--check"]) == 1
    assert citation.main([]) == 0
    assert citation.main(["--check"]) == 0


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("cffconvert") is None and not (REPO_ROOT / ".venv-cff/bin/cffconvert").exists(),
    reason="cffconvert is run by 'make lint-citation' in its own environment",
)
def test_cffconvert_accepts_the_file():
    tool = shutil.which("cffconvert") or str(REPO_ROOT / ".venv-cff/bin/cffconvert")
    result = subprocess.run([tool, "--validate", "-i", str(REPO_ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_citation_module_runs_as_a_script():
    result = subprocess.run(
        [sys.executable, "-m", "runthenumbers.citation", "--check"], capture_output=True, text=True, cwd=REPO_ROOT
    )
    assert result.returncode == 0, result.stderr
