"""Sphinx extension (loaded through _config.yml's local_extensions): the book's own page script and styles.

They are files of this folder's ``static/``, served from the build's ``_static`` (nothing from another host):

- ``dae-nav.js``: every sidebar toggle a reader sees opens its sidebar. pydata-sphinx-theme 0.17.1 and
  sphinx-book-theme 1.3.0 bind only the first ``.primary-toggle`` and ``.secondary-toggle`` of a page,
  which sphinx-book-theme hides (pydata/pydata-sphinx-theme#2451): the hamburger and "On this page"
  buttons did nothing at any width.
- ``dae-outputs.js``: a figure shown smaller than it was drawn (a wide one on a phone) opens full size
  when clicked; a printed log of more than 12 lines (a training run's epochs) shows its first and last lines
  and a button for the rest.
- ``dae-page.css``: code cells, their printed results and code blocks wrap long lines inside the text
  column instead of scrolling sideways; long inline code breaks on phones; the look of
  ``dae.source.show``'s listings (coloured by the theme's Pygments styles, light or dark) and of their
  "show all N lines" control; the full-size figure dialog and the folded logs; sliders whose controls stay in
  view; one search box on a wide screen; table headers that wrap and links that break.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
SCRIPTS = ["dae-nav.js", "dae-outputs.js"]
STYLES = ["dae-page.css"]


def add_static_folder(app, config) -> None:
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", add_static_folder)
    for name in STYLES:
        app.add_css_file(name)
    for name in SCRIPTS:
        app.add_js_file(name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
