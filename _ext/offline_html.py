"""Sphinx extension (loaded through _config.yml's local_extensions): a book that reads offline.

- Every page must load its scripts and styles from the build itself: a page that would fetch one from
  another host (a CDN) stops the build, naming the page and the address.
- MathJax is served from the copy that ``scripts/vendor_mathjax.sh`` puts in ``_build/vendor/mathjax``;
  a build without it stops with that instruction instead of a page whose formulas never render.
- ipywidgets state that no script will read is left out. With ``nb_ipywidgets_js: {}`` no widget
  JavaScript is loaded, so the state that myst-nb would embed (progress bars, the live slider: over
  1 MB in Chapter 2) only made pages heavier.
- The denoising labs (``dae.lab``) run the chapters' models with ONNX Runtime Web, served from the copy that
  ``scripts/vendor_onnxruntime.sh`` puts in ``_build/vendor/onnxruntime`` (a build without it stops with that
  instruction), and the ONNX files each page names are copied into ``_static/dae-lab`` when the build ends, from
  the results folder the chapters exported them to (``dae.export``); a page naming a missing file stops the build.
- Inline scripts registered twice are written once. Sphinx 7 compares an inline script added before
  the HTML builder starts (file name '') with one added after (file name None) as different, so
  sphinx-thebe's ``const THEBE_JS_URL = ...`` appeared twice and every page threw a SyntaxError.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.errors import ConfigError, ExtensionError

VENDOR_HINT = "run `bash scripts/vendor_mathjax.sh` (scripts/build_book.sh and scripts/test.sh run it for you)"
RUNTIME_HINT = "run `bash scripts/vendor_onnxruntime.sh` (scripts/build_book.sh and scripts/test.sh run it for you)"
RUNTIME_FOLDER = "onnxruntime"


def _is_external(url: str | None) -> bool:
    return bool(url) and ("://" in url or url.startswith("//"))


def check_mathjax(app, config) -> None:
    """Stop early when the configured local MathJax file is missing from the static folders."""
    path = config.mathjax_path
    if _is_external(path):
        raise ConfigError(f"mathjax_path is {path!r}, another host: the book must serve MathJax itself; {VENDOR_HINT}")
    roots = [Path(app.confdir, static) for static in config.html_static_path]
    if not any((root / path).is_file() for root in roots):
        where = ", ".join(str(root) for root in roots) or "no html_static_path"
        raise ConfigError(f"MathJax ({path}) is not in the static folders ({where}); {VENDOR_HINT}")


def check_runtime(app, config) -> None:
    """Stop early when ONNX Runtime Web, which the labs load, is missing from the static folders."""
    from dae import lab

    roots = [Path(app.confdir, static) for static in config.html_static_path]
    for name in lab.runtime_files():
        if not any((root / RUNTIME_FOLDER / name).is_file() for root in roots):
            where = ", ".join(str(root) for root in roots) or "no html_static_path"
            raise ConfigError(f"ONNX Runtime Web ({RUNTIME_FOLDER}/{name}) is not in the static folders ({where}); {RUNTIME_HINT}")


def copy_lab_models(app, exception) -> None:
    """Copy the ONNX files the built pages name into ``_static/dae-lab`` (only those); stop when one is missing."""
    if exception is not None or app.builder.format != "html":
        return
    from dae import lab

    try:
        lab.copy_models(app.outdir)
    except FileNotFoundError as err:
        raise ExtensionError(str(err)) from err


def dedupe_and_check_assets(app, pagename, templatename, context, doctree) -> None:
    """Write each inline script once, drop unread widget state, and refuse scripts or styles from another host."""
    scripts = context.get("script_files", [])
    widgets_rendered = bool(app.config.nb_ipywidgets_js)
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {})
        if not widgets_rendered and attributes.get("type") == "application/vnd.jupyter.widget-state+json":
            continue
        key = (getattr(script, "filename", script) or "", getattr(script, "priority", None), tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique
    for asset in [*scripts, *context.get("css_files", [])]:
        url = getattr(asset, "filename", asset)
        if _is_external(url):
            raise ExtensionError(f"page {pagename} would load {url} from another host; the book must read offline")


def setup(app):
    app.connect("config-inited", check_mathjax)
    app.connect("config-inited", check_runtime)
    app.connect("build-finished", copy_lab_models)
    app.connect("html-page-context", dedupe_and_check_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
