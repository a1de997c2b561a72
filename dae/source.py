"""Show this package's code in a page, highlighted, so the book and ``dae`` cannot drift apart."""

from __future__ import annotations

import inspect


def show(obj) -> None:
    """Display the source of a function or class: highlighted HTML in Jupyter, plain text elsewhere."""
    try:
        code = inspect.getsource(obj)
    except (TypeError, OSError) as err:
        raise TypeError(f"cannot show the source of {obj!r}: {err}") from err
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        print(code)
        return
    if get_ipython() is None:
        print(code)
        return
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    formatter = HtmlFormatter(noclasses=True, style="friendly")
    where = f"{obj.__module__}.{obj.__qualname__}"
    # Long lines scroll sideways instead of being cut off at the page's edge.
    body = highlight(code, PythonLexer(), formatter)
    display(HTML(f'<p><code>{where}</code></p><div style="overflow-x: auto">{body}</div>'))
