"""Show this package's code in a page, highlighted, so the book and ``dae`` cannot drift apart.

The listing is HTML with Pygments' short class names (``<span class="k">``), the markup Sphinx writes
for its own code blocks, so in the built book the theme's Pygments styles colour it, light or dark as
the reader's theme is, instead of light-theme colours fixed in the markup. Elsewhere (Jupyter, Colab: a
page whose ``<html>`` has no ``data-theme``) a small style sheet in the listing colours it, dark on light.

A listing longer than ``COLLAPSE_OVER`` lines opens collapsed: its first lines (the signature and the
docstring, at most ``HEAD_MAX`` lines) show, and a ``<details>`` control "show all N lines" opens the
rest. A shorter one shows whole.
"""

from __future__ import annotations

import ast
import html
import inspect
import io
import re
import textwrap

COLLAPSE_OVER = 25  # a listing of more lines than this opens collapsed
HEAD_MAX = 20  # at most this many lines show above the "show all" control
FALLBACK_STYLE = "xcode"  # the colours where no theme styles the classes: each token's at least 4.5:1 on white
# The fallback rules apply only in a page without pydata-sphinx-theme's data-theme on <html>; :where()
# keeps them weaker than any style sheet of the page.
FALLBACK_SCOPE = ":where(html:not([data-theme])) .dae-source .highlight"


def _source(obj) -> str:
    try:
        return inspect.getsource(obj)
    except (TypeError, OSError) as err:
        raise TypeError(f"cannot show the source of {obj!r}: {err}") from err


def head_length(code: str) -> int:
    """How many lines of ``code`` show before the "show all" control: all of a short listing; of a long one
    its signature and docstring (its decorators and signature when it has no docstring), at most ``HEAD_MAX``."""
    total = len(code.splitlines())
    if total <= COLLAPSE_OVER:
        return total
    end = HEAD_MAX
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        tree = None
    if tree and tree.body and isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        node = tree.body[0]
        first = node.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            end = first.end_lineno  # the docstring's last line
        else:
            end = max(first.lineno - 1, node.lineno)  # the lines before the body: decorators and signature
    return max(1, min(end, HEAD_MAX))


def _split_tokens(tokens, lines: int):
    """Pygments tokens in two lists: those of the first ``lines`` lines and the rest (a token across the cut is split)."""
    head, rest, line = [], [], 0
    for ttype, value in tokens:
        for piece in re.split(r"(?<=\n)", value):
            if piece:
                (head if line < lines else rest).append((ttype, piece))
                line += piece.endswith("\n")
    return head, rest


def _fallback_css(formatter, markup: str) -> str:
    """The fallback colours, only for the token classes ``markup`` uses."""
    used = set(re.findall(r'<span class="([\w-]+)"', markup))
    background = formatter.style.background_color or "#ffffff"
    box = f"background: {background}; color: #000000; border: 1px solid #d0d0d0; padding: 0 0.5em; overflow-x: auto;"
    rules = [f"{FALLBACK_SCOPE} {{ {box} }}"]
    for rule in formatter.get_token_style_defs(FALLBACK_SCOPE):
        match = re.match(re.escape(FALLBACK_SCOPE) + r" \.([\w-]+) ", rule)
        if match and match.group(1) in used:
            rules.append(rule.split(" /*")[0])
    return "\n".join(rules)


def listing_html(obj) -> str:
    """The HTML that ``show`` displays for ``obj`` in Jupyter: its name, its highlighted source, collapsed when long."""
    from pygments import lex
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    code = _source(obj)
    total = len(code.splitlines())
    shown = head_length(code)
    formatter = HtmlFormatter(style=FALLBACK_STYLE, cssclass="highlight")
    head_tokens, rest_tokens = _split_tokens(lex(code, PythonLexer()), shown)

    def block(tokens) -> str:
        out = io.StringIO()
        formatter.format(tokens, out)
        # The wrapper Sphinx gives a Python code block; "notranslate" keeps browsers from translating code.
        return f'<div class="highlight-python notranslate">{out.getvalue()}</div>'

    head = block(head_tokens)
    parts = [f'<div class="dae-source-head">{head}</div>']
    if rest_tokens:
        rest = block(rest_tokens)
        parts.append(
            '<details class="dae-source-more"><summary>'
            f'<span class="dae-source-all">show all {total} lines</span>'
            f'<span class="dae-source-less" hidden>show the first {shown} lines only</span>'
            f"</summary>{rest}</details>"
        )
    body = "".join(parts)
    where = html.escape(f"{obj.__module__}.{obj.__qualname__}")
    style = f"<style>{_fallback_css(formatter, body)}</style>"
    name = f'<p class="dae-source-name"><code>{where}</code></p>'
    return f'<div class="dae-source" data-lines="{total}" data-shown="{shown}">{style}{name}{body}</div>'


def show(obj) -> None:
    """Display the source of a function or class: highlighted HTML in Jupyter, plain text elsewhere."""
    code = _source(obj)
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        print(code)
        return
    if get_ipython() is None:
        print(code)
        return
    display(HTML(listing_html(obj)))
