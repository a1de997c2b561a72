"""Each figure's smallest text, measured as it is drawn and written into its PNG, so the book's browser test can
check how large that text shows in the page (points x dpi / 72 x shown width / drawn width).

Importing this module (``dae.plots`` and ``dae.settings.setup`` do) activates it in a Jupyter kernel.
"""

from __future__ import annotations

PNG_DPI_KEY, PNG_FONT_KEY = "dae-dpi", "dae-smallest-font-pt"  # what record_figure_fonts writes into each PNG


def smallest_font_pt(fig) -> float | None:
    """The size in points of the smallest text ``fig`` draws (titles, labels, ticks, legends); None if it draws none.

    It draws the figure once on its own canvas and notes the size of every non-empty string the renderer is
    asked to draw, so hidden axes and blank labels do not count.
    """
    canvas = fig.canvas
    if not hasattr(canvas, "get_renderer"):  # a Figure made without pyplot: draw it as savefig would, with Agg
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    sizes = []
    draw_text = renderer.draw_text

    def noting(gc, x, y, s, prop, angle, *args, **kwargs):
        if str(s).strip():
            sizes.append(float(prop.get_size_in_points()))
        return draw_text(gc, x, y, s, prop, angle, *args, **kwargs)

    renderer.draw_text = noting
    try:
        fig.draw(renderer)
    finally:
        del renderer.draw_text
    return min(sizes) if sizes else None


def _png_noting_fonts(fig, **kwargs) -> str:
    """The inline backend's PNG of ``fig`` (base64, trimmed to its content), with its dpi and smallest text in the PNG."""
    from IPython.core.pylabtools import print_figure

    try:
        smallest = smallest_font_pt(fig)
    except Exception:  # noqa: BLE001  the figure must show even if its text cannot be measured (the test then says so)
        return print_figure(fig, "png", bbox_inches="tight", base64=True, **kwargs)
    metadata = {PNG_DPI_KEY: f"{fig.dpi:g}", PNG_FONT_KEY: "none" if smallest is None else f"{smallest:g}"}
    return print_figure(fig, "png", bbox_inches="tight", base64=True, metadata=metadata, **kwargs)


def _install_png_formatter(shell) -> bool:
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    if formatter.type_printers.get(Figure) is _png_noting_fonts:
        return False
    formatter.for_type(Figure, _png_noting_fonts)
    return True


def record_figure_fonts() -> bool:
    """In a Jupyter kernel, make every figure's PNG carry its dpi and the size of its smallest text; elsewhere do nothing.

    The PNG's text chunks ``dae-dpi`` and ``dae-smallest-font-pt`` let the book's browser test work out how large
    each figure's smallest text shows in the page (points x dpi / 72 x shown width / drawn width). Called when
    this module is imported; returns whether it is active. matplotlib's inline backend sets its own PNG
    formatter when it starts (or when ``%matplotlib`` or ``%config InlineBackend`` run): it is started first, and
    the formatter is put back before each cell runs and after each one, before its figures are shown.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    import matplotlib

    if "inline" in str(matplotlib.get_backend()):
        import matplotlib_inline.backend_inline  # noqa: F401  (it sets the inline formatter as it loads: first, so ours stays)

    _install_png_formatter(shell)
    if not getattr(shell, "_dae_png_fonts", False):
        shell._dae_png_fonts = True
        # Registered before the inline backend's own post_execute hook shows the cell's figures.
        shell.events.register("pre_run_cell", lambda *_: _install_png_formatter(shell))
        shell.events.register("post_execute", lambda: _install_png_formatter(shell))
    return True


record_figure_fonts()
