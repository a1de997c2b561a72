"""_ext/unfinished_chapters.py: a chapter whose code stopped during the build opens with a warning."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
import unfinished_chapters  # noqa: E402


def _page() -> nodes.document:
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    doctree = new_document("chapter", get_default_settings(Parser))
    section = nodes.section("", nodes.title(text="Cats and dogs"), nodes.paragraph(text="First paragraph."))
    doctree += section
    return doctree


@pytest.mark.parametrize("data", [None, {"succeeded": True, "error": None}])
def test_a_finished_chapter_or_a_plain_page_gets_no_warning(monkeypatch, data):
    monkeypatch.setattr(unfinished_chapters, "execution_data", lambda env, docname: data)
    page = _page()
    unfinished_chapters.warn_if_unfinished(SimpleNamespace(env=None), page, "book/06_cats_and_dogs")
    assert not list(page.findall(nodes.warning))


def test_a_chapter_that_stopped_says_so_under_its_title(monkeypatch):
    data = {
        "succeeded": False,
        "error": "CellExecutionError",
        "traceback": "Traceback ...\nCellExecutionError: ...\n\x1b[31mAssertionError\x1b[39m: (12.7, 12.75)\n",
    }
    monkeypatch.setattr(unfinished_chapters, "execution_data", lambda env, docname: data)
    page = _page()
    unfinished_chapters.warn_if_unfinished(SimpleNamespace(env=None), page, "book/06_cats_and_dogs")
    (warning,) = page.findall(nodes.warning)
    section = next(page.findall(nodes.section))
    assert section.children[1] is warning  # right after the title, before the text
    assert "AssertionError" in warning.astext() and "missing" in warning.astext()
