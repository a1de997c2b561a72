"""The book's structure: every chapter is in the table of contents, Colab cells name the repository
from _config.yml, notebooks are committed without bulky outputs, and the quick build rendered them."""

import json
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))


def _config():
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_there_are_chapters():
    assert CHAPTERS, "book/ holds no notebooks"


def test_every_chapter_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = {c["file"] for c in toc["chapters"]}
    for path in CHAPTERS:
        assert f"book/{path.stem}" in files, f"{path.name} is missing from _toc.yml"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_colab_cell_installs_from_the_configured_repository(path):
    url = _config()["repository"]["url"]
    first_code = next(c for c in _cells(path) if c["cell_type"] == "code")
    source = _source(first_code)
    assert "google.colab" in source, f"{path.name}: the first code cell should be the Colab set-up"
    installs = re.findall(r"git\+(\S+?)[\"']", source)
    assert installs == [url], f"{path.name}: Colab installs from {installs}, _config.yml says {url}"
    tags = set(first_code.get("metadata", {}).get("tags", []))
    # Hidden in the book, not executed by the build, skipped by nbval.
    assert {"remove-cell", "skip-execution", "nbval-skip"} <= tags, f"{path.name}: Colab cell tags are {tags}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebooks_keep_only_checked_outputs(path):
    for cell in _cells(path):
        if cell["cell_type"] != "code" or not cell.get("outputs"):
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        assert "nbval-check-output" in tags, f"{path.name}: a cell keeps outputs nbval does not check"
        assert all(o["output_type"] == "stream" for o in cell["outputs"]), f"{path.name}: only text outputs belong in git"
    assert path.stat().st_size < 300_000, f"{path.name} is {path.stat().st_size} bytes"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapters_never_read_environment_variables(path):
    for cell in _cells(path):
        assert "os.environ" not in _source(cell), f"{path.name}: chapters read settings through dae.settings"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_rendered_chapter_shows_its_figures(path):
    html_root = os.environ.get("DAE_BOOK_HTML")
    if not html_root:
        pytest.skip("DAE_BOOK_HTML is not set: no built book to check (scripts/test.sh sets it)")
    page = Path(html_root) / "book" / f"{path.stem}.html"
    assert page.is_file(), f"the build has no page {page}"
    html = page.read_text()
    images = re.findall(r'<img[^>]+src="([^"]+)"', html)
    figures = [src for src in images if "_images/" in src]
    assert len(figures) >= 3, f"{page.name} shows {len(figures)} figures"
    for src in figures:
        assert (page.parent / src).resolve().is_file(), f"{page.name}: image {src} is missing from the build"
    assert "Traceback" not in html, f"{page.name} shows an error traceback"


def test_readme_names_the_configured_repository():
    url = _config()["repository"]["url"].rstrip("/")
    owner_repo = url.split("github.com/")[1]
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"github\.com/([\w.-]+/[\w.-]+?)(?:/|\"|`|\)|\s)", readme))
    assert named == {owner_repo}, f"README names {named}, _config.yml says {owner_repo}"
