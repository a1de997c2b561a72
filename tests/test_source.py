"""dae.source: showing this package's own code outside Jupyter."""

from __future__ import annotations

import inspect

import pytest

import dae.noise
from dae.source import show


def test_show_prints_source_of_a_function_outside_ipython(capsys):
    show(dae.noise.gaussian)
    out = capsys.readouterr().out
    assert out.startswith("def gaussian(")
    assert out.strip() == inspect.getsource(dae.noise.gaussian).strip()


def test_show_prints_source_of_a_class(capsys):
    from dae.settings import Settings

    show(Settings)
    assert "class Settings" in capsys.readouterr().out


def test_show_rejects_a_builtin():
    with pytest.raises(TypeError, match="cannot show the source"):
        show(len)


def test_show_rejects_a_plain_value():
    with pytest.raises(TypeError, match="cannot show the source"):
        show(42)


# The listing that show() displays in Jupyter, and the rule for collapsing a long one.


def _module(tmp_path, name: str, code: str):
    """A module written to ``tmp_path`` and imported, so inspect.getsource reads its functions back."""
    import importlib.util

    path = tmp_path / f"{name}.py"
    path.write_text(code)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _function(body_lines: int, docstring_lines: int = 1, signature_lines: int = 1) -> str:
    """A function of ``signature_lines`` + ``docstring_lines`` + ``body_lines`` lines."""
    if signature_lines == 1:
        lines = ["def sample(a, b):"]
    else:
        lines = ["def sample(", *[f"    arg{k}=None," for k in range(signature_lines - 2)], "):"]
    if docstring_lines == 1:
        lines.append('    """One line of docstring."""')
    elif docstring_lines:
        lines += ['    """First line of the docstring.', *["    more of it"] * (docstring_lines - 2), '    """']
    lines += [f"    x{k} = {k}  # body line {k}" for k in range(body_lines - 1)] + ["    return a"]
    return "\n".join(lines) + "\n"


def _pres(listing: str) -> list[str]:
    """The text of each <pre> in a listing, as a browser shows it."""
    import html
    import re

    return [html.unescape(re.sub(r"<[^>]+>", "", pre)) for pre in re.findall(r"<pre>(.*?)</pre>", listing, re.S)]


def test_a_short_listing_shows_whole(tmp_path):
    from dae import source

    code = _function(body_lines=source.COLLAPSE_OVER - 2)  # signature + docstring + body = COLLAPSE_OVER lines
    sample = _module(tmp_path, "short_sample", code).sample
    assert len(code.splitlines()) == source.COLLAPSE_OVER
    listing = source.listing_html(sample)
    assert "<details" not in listing
    assert _pres(listing) == [code]
    assert f'data-lines="{source.COLLAPSE_OVER}" data-shown="{source.COLLAPSE_OVER}"' in listing
    assert "short_sample.sample" in listing


def test_a_long_listing_opens_collapsed_after_its_signature_and_docstring(tmp_path):
    from dae import source

    code = _function(body_lines=30, docstring_lines=5, signature_lines=4)
    sample = _module(tmp_path, "long_sample", code).sample
    total = len(code.splitlines())
    listing = source.listing_html(sample)
    head, rest = _pres(listing)
    assert head == "".join(code.splitlines(keepends=True)[:9])  # 4 lines of signature, 5 of docstring
    assert head.rstrip().endswith('"""') and rest.startswith("    x0 = 0")
    assert head + rest == code
    assert '<details class="dae-source-more">' in listing, "collapsed: a <details> without the open attribute"
    assert f"show all {total} lines" in listing
    assert listing.index("dae-source-head") < listing.index("<details")


def test_a_long_listing_without_docstring_shows_its_signature(tmp_path):
    from dae import source

    code = _function(body_lines=40, docstring_lines=0, signature_lines=3)
    head, rest = _pres(source.listing_html(_module(tmp_path, "bare_sample", code).sample))
    assert head == "def sample(\n    arg0=None,\n):\n" and head + rest == code


def test_a_long_docstring_is_cut_at_head_max(tmp_path):
    from dae import source

    code = _function(body_lines=5, docstring_lines=40)
    head, rest = _pres(source.listing_html(_module(tmp_path, "wordy_sample", code).sample))
    assert len(head.splitlines()) == source.HEAD_MAX and head + rest == code


def test_the_collapse_rule_on_line_counts():
    from dae import source

    at_limit, over = _function(body_lines=source.COLLAPSE_OVER - 2), _function(body_lines=source.COLLAPSE_OVER - 1)
    assert source.head_length("x = 1\n") == 1
    assert source.head_length(at_limit) == source.COLLAPSE_OVER, "a listing of COLLAPSE_OVER lines shows whole"
    assert source.head_length(over) == 2, "one line more: the signature and the one-line docstring show"


def test_a_listing_takes_its_colours_from_the_page_theme(tmp_path):
    """Pygments classes that the book's theme colours (light and dark), no colours fixed in the markup; the
    fallback colours for Jupyter apply only in a page without the theme's data-theme."""
    import re

    from dae import source

    listing = source.listing_html(dae.noise.gaussian)
    assert 'style="' not in listing, "inline styles would keep light-theme colours in the dark theme"
    assert '<span class="k">' in listing and '<div class="highlight">' in listing
    css = re.search(r"<style>(.*?)</style>", listing, re.S).group(1)
    rules = [line for line in css.splitlines() if line.strip()]
    assert rules and all(line.startswith(source.FALLBACK_SCOPE + " ") for line in rules), rules
    assert ":where(html:not([data-theme]))" in source.FALLBACK_SCOPE


def test_show_displays_the_listing_in_jupyter(monkeypatch):
    import IPython
    import IPython.display

    from dae import source

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", shown.append)
    source.show(dae.noise.gaussian)
    assert len(shown) == 1 and shown[0].data == source.listing_html(dae.noise.gaussian)
