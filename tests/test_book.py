"""The book's structure: every chapter is in the table of contents, Colab cells name the repository
from _config.yml, notebooks are committed without bulky outputs, and the quick build rendered them."""

import ast
import json
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))


def _toc_files() -> list[str]:
    """Every file _toc.yml lists, in order: its chapters, or the chapters of each of its parts."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = list(toc.get("chapters") or []) + [c for part in toc.get("parts") or [] for c in part.get("chapters") or []]
    return [entry["file"] for entry in entries]


# The notebooks the book publishes, in the order of _toc.yml (references.md and other pages are not notebooks).
TOC_CHAPTERS = [ROOT / f"{f}.ipynb" for f in _toc_files() if (ROOT / f"{f}.ipynb").is_file()]


def _config():
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_there_are_chapters():
    assert CHAPTERS, "book/ holds no notebooks"


def test_every_chapter_is_in_the_table_of_contents():
    files = set(_toc_files())
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


@pytest.mark.parametrize("path", TOC_CHAPTERS, ids=lambda p: p.name)
def test_colab_cell_reports_the_gpu(path):
    """In Colab the set-up cell says which device Keras trains on, and how to attach a GPU when there is none."""
    source = _source(next(c for c in _cells(path) if c["cell_type"] == "code"))
    colab = source.split('if "google.colab" in sys.modules:', 1)
    assert len(colab) == 2, f'{path.name}: the Colab cell should act only under `if "google.colab" in sys.modules:`'
    assert "dae.settings.device_name()" in colab[1], f"{path.name}: the Colab cell does not report the device"
    assert "Change runtime type" in colab[1], f"{path.name}: the Colab cell does not say how to attach a GPU"


def test_as_in_colab_runs_the_set_up_cell_between_a_stand_in_and_a_check(tmp_path):
    """scripts/as_in_colab.py, which the Python 3.12 test leg applies to Chapter 1: the set-up cell runs, after a stand-in
    google.colab and an uninstall of dae, and before a check that dae came from the repository."""
    import subprocess
    import sys

    copy = tmp_path / "chapter.ipynb"
    copy.write_text(CHAPTERS[0].read_text())
    subprocess.run([sys.executable, str(ROOT / "scripts" / "as_in_colab.py"), str(copy)], check=True)
    code = [c for c in _cells(copy) if c["cell_type"] == "code"]
    assert "google.colab" in _source(code[0]) and "%pip uninstall --yes --quiet dae" in _source(code[0])
    assert _source(code[1]) == _source(next(c for c in _cells(CHAPTERS[0]) if c["cell_type"] == "code"))
    assert not {"skip-execution", "nbval-skip"} & set(code[1]["metadata"].get("tags", [])), "the set-up cell is still skipped"
    assert 'assert "vcs_info" in origin' in _source(code[2])
    (tmp_path / "plain.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "as_in_colab.py"), str(tmp_path / "plain.ipynb")], capture_output=True, text=True)
    assert done.returncode != 0 and "expected one Colab set-up cell" in done.stderr


@pytest.mark.parametrize("path", TOC_CHAPTERS, ids=lambda p: p.name)
def test_figures_have_alt_text(path):
    """Every cell that draws with dae.plots says in words what its figure shows (metadata mystnb.image.alt).

    The audio players of dae.plots draw no figure, so a cell that only plays sound needs none."""
    for cell in _cells(path):
        if cell["cell_type"] != "code" or not re.search(r"dae\.plots\.(?!players?\()", _source(cell)):
            continue
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
        assert len(alt.split()) >= 5, f"{path.name}: cell {cell.get('id')} draws a figure without alt text"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_cells_readers_never_need_are_removed(path):
    """One tag for cells readers never need (BOOK_STYLE.md): a cell that glues numbers or checks claims is `remove-cell`."""
    for cell in _cells(path):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and ("glue(" in source or source.startswith("assert ") or "\nassert " in source):
            tags = cell.get("metadata", {}).get("tags", [])
            assert "remove-cell" in tags, f"{path.name}: a cell that glues or checks has tags {tags}:\n{source[:200]}"
            assert not {"hide-input", "remove-input"} & set(tags), f"{path.name}: two hiding tags on one cell: {tags}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebooks_keep_only_checked_outputs(path):
    for cell in _cells(path):
        if cell["cell_type"] != "code" or not cell.get("outputs"):
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        assert "nbval-check-output" in tags, f"{path.name}: a cell keeps outputs nbval does not check"
        assert all(o["output_type"] == "stream" for o in cell["outputs"]), f"{path.name}: only text outputs belong in git"
        # nbval skips a stored output whose cell has no execution count ("Unrun reference cell has outputs").
        assert isinstance(cell.get("execution_count"), int), f"{path.name}: a checked cell has outputs but no execution count"
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


def _comparable(cell):
    # What nbval compares of a cell's outputs, images aside: the kind, the stream name and the text.
    return [
        (o["output_type"], o.get("name"), "".join(o.get("text", "")), "".join(o.get("data", {}).get("text/plain", "")))
        for o in cell.get("outputs", [])
    ]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_build_reproduces_the_checked_outputs(path):
    """The book build executes every chapter: its checked cells must print what the committed notebook holds,
    as nbval demands when it executes the chapter itself (scripts/test.sh runs nbval in the Python 3.12 leg)."""
    html_root = os.environ.get("DAE_BOOK_HTML")
    if not html_root:
        pytest.skip("DAE_BOOK_HTML is not set: no built book to check (scripts/test.sh sets it)")
    built = Path(html_root).parent / "jupyter_execute" / "book" / path.name
    assert built.is_file(), f"the build has no executed notebook {built}"
    executed = {_source(c): c for c in _cells(built) if c["cell_type"] == "code"}
    checked = [c for c in _cells(path) if "nbval-check-output" in c["metadata"].get("tags", [])]
    assert checked, f"{path.name} has no cell whose output is checked"
    for cell in checked:
        source = _source(cell)
        assert source in executed, f"{path.name}: the build executed no cell with this source:\n{source}"
        assert _comparable(executed[source]) == _comparable(cell), (
            f"{path.name}: the build printed {_comparable(executed[source])}, the notebook holds {_comparable(cell)} "
            f"for\n{source}\n(scripts/refresh_checked_outputs.py stores new outputs after a deliberate change)"
        )


def test_every_recorded_noise_has_words():
    """A Results table names each noise in words (dae.tables.SETTING_LABELS), never by its key, in every chapter the build ran."""
    from dae.results import load
    from dae.tables import setting_label

    if not os.environ.get("DAE_BOOK_HTML"):
        pytest.skip("DAE_BOOK_HTML is not set: no built book to check (scripts/test.sh sets it)")
    records = load()
    assert records, "the build recorded no results"
    settings = {(chapter, row["setting"]) for chapter, record in records.items() for row in record["rows"]}
    unnamed = {(chapter, key) for chapter, key in settings if setting_label(key) == key}
    assert not unnamed, f"settings with no words in dae.tables.SETTING_LABELS: {sorted(unnamed)}"


def test_readme_names_the_configured_repository():
    url = _config()["repository"]["url"].rstrip("/")
    owner_repo = url.split("github.com/")[1]
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"github\.com/([\w.-]+/[\w.-]+?)(?:/|\"|`|\)|\s)", readme))
    assert named == {owner_repo}, f"README names {named}, _config.yml says {owner_repo}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_live_sliders_have_a_static_twin(path):
    """The built book runs no kernel: a chapter's live slider comes with a static one over the same denoisers."""
    code = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "code")
    # The denoisers are the second argument: the first name after a comma that is followed by ',' or ')'.
    second = r"\(.*?,\s*(?:denoisers\s*=\s*)?([A-Za-z_]\w*)\s*[,)]"
    live = re.findall(r"sliders\.live" + second, code)
    static = set(re.findall(r"sliders\.static" + second, code))
    assert "sliders.live(" not in code or live, f"{path.name}: pass sliders.live a named denoisers dict to share with sliders.static"
    for name in live:
        assert name in static, f"{path.name}: sliders.live(..., {name}) has no sliders.static(..., {name}) for the built page"


def test_config_serves_everything_from_the_build():
    sphinx = _config()["sphinx"]["config"]
    assert "://" not in sphinx["mathjax_path"], "MathJax must come from the build, not a CDN"
    assert sphinx["nb_ipywidgets_js"] == {}, "ipywidgets JavaScript would be fetched from a CDN"
    assert (ROOT / _config()["logo"]).is_file() and (ROOT / _config()["html"]["favicon"]).is_file()
    assert _config()["launch_buttons"]["colab_url"] == "https://colab.research.google.com"


def test_bibliography_holds_the_works_the_book_cites():
    keys = set(re.findall(r"@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text()))
    needed = {
        "vincent2008extracting",
        "lecun1998mnist",
        "griffin1984signal",
        "rix2001pesq",
        "taal2011stoi",
        "leroux2019sisdr",
        "jackson2018fsdd",
        "piczak2015esc",
    }
    assert needed <= keys, f"references.bib lacks {needed - keys}"
    sources = [p.read_text() for p in [*CHAPTERS, *(ROOT / "book").glob("*.md")]]
    cited = {key.strip() for text in sources for group in re.findall(r"\{cite[:\w]*\}`([^`]+)`", text) for key in group.split(",")}
    assert cited <= keys, f"cited but missing from references.bib: {cited - keys}"


def test_built_book_is_small_enough_to_download():
    html_root = os.environ.get("DAE_BOOK_HTML")
    if not html_root or not Path(html_root).is_dir():
        pytest.skip("DAE_BOOK_HTML names no built book (scripts/test.sh builds the quick book and sets it)")
    size = sum(p.stat().st_size for p in Path(html_root).rglob("*") if p.is_file())
    assert size < 60e6, f"the built book is {size / 1e6:.1f} MB"


def _quiet(source: str) -> bool:
    """Whether a ';' ends the cell's code (comments aside): then IPython shows nothing of its last expression."""
    import io
    import tokenize

    skip = {tokenize.COMMENT, tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT}
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in skip]
    return bool(tokens) and tokens[-1].string == ";"


def _shown(source: str) -> list[ast.expr]:
    """What a code cell shows: its last expression (unless a ';' ends it) and what it passes to display()."""
    tree = ast.parse(source)
    shown = [tree.body[-1].value] if tree.body and isinstance(tree.body[-1], ast.Expr) and not _quiet(source) else []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "display"]
    return shown + [arg for call in calls for arg in call.args]


def _raw_table(node: ast.expr, frames: set[str]) -> bool:
    """A pandas frame as it comes: record.table(...) or record.finish() and what is chained on them, pd.DataFrame(...),
    .round(...) or .style, or a name the cell bound to one of those."""
    while True:
        if isinstance(node, ast.Name):
            return node.id in frames
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attribute = node.func
            if attribute.attr in ("table", "finish") and isinstance(attribute.value, ast.Name) and attribute.value.id == "record":
                return True
            if attribute.attr in ("DataFrame", "round"):
                return True
            node = attribute.value
        elif isinstance(node, ast.Attribute):
            if node.attr == "style":
                return True
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return False


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_readers_see_tables_only_in_their_readable_form(path):
    """A table a reader sees comes from record.show() or dae.results.readable(): headers with units, no index column,
    set decimals, no NaN, every row. A raw DataFrame (record.table(), record.finish(), pd.DataFrame, .round) shows
    pandas' index, column names like psnr_db, NaN and, past 60 rows, a '...' in place of the middle rows."""
    for cell in _cells(path):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "code" or tags & {"remove-cell", "remove-output"}:
            continue
        source = _source(cell)
        tree = ast.parse(source)
        frames = set()
        for node in ast.walk(tree):  # names the cell binds to a raw frame, e.g. `credits = pd.DataFrame(...)`
            if isinstance(node, ast.Assign) and _raw_table(node.value, set()):
                frames |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        raw = [ast.unparse(node) for node in _shown(source) if _raw_table(node, frames)]
        assert not raw, f"{path.name}: a visible cell shows a raw table {raw[0][:120]!r}; show record.show(...) or dae.results.readable(...)"
