"""What a built book needs for its labs: the ONNX files its pages name, copied in, and the runtime's files.

Pages name their models as ``_static/dae-lab/<model key>.onnx`` inside each lab block's data; :func:`copy_models`
finds those names in the built HTML and copies each file from the folder :func:`dae.export.export` wrote it to, so
only the models a page loads travel with the book (no stale file from an earlier build).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .. import export
from .block import MODELS_FOLDER, RUNTIME_FOLDER

# The files scripts/vendor_onnxruntime.sh keeps: the ES-module bundle (runtime and loader) and its WebAssembly, gzipped.
RUNTIME_FILES = ("ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm.gz")
_FILE_IN_PAGE = re.compile(r'"file":"([a-z0-9][a-z0-9_-]*-[0-9a-f]{16}\.onnx)"')


def runtime_files() -> tuple[str, ...]:
    """The file names under ``_static/onnxruntime/`` that a lab loads."""
    return RUNTIME_FILES


def named_models(html_root) -> dict[str, list[str]]:
    """{ONNX file name: [pages naming it]} over every ``*.html`` under ``html_root``."""
    named: dict[str, list[str]] = {}
    for page in sorted(Path(html_root).rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        if "dae-lab" not in text:
            continue
        for name in _FILE_IN_PAGE.findall(text):
            named.setdefault(name, []).append(str(page.relative_to(html_root)))
    return named


def copy_models(html_root, source=None) -> list[Path]:
    """Copy every ONNX file the pages under ``html_root`` name from ``source`` (default :func:`dae.export.onnx_dir`)
    into ``html_root/_static/dae-lab/``, removing any other file there; returns the copies. A named file that is
    missing raises FileNotFoundError naming it and its page."""
    source = Path(source) if source is not None else export.onnx_dir()
    target = Path(html_root) / MODELS_FOLDER
    named = named_models(html_root)
    missing = {name: pages for name, pages in named.items() if not (source / name).is_file()}
    if missing:
        name, pages = next(iter(missing.items()))
        raise FileNotFoundError(
            f"page {pages[0]} runs the model {name}, which is not in {source}: execute that chapter again "
            f"(its dae.lab.show exports the model), with the same DAE_RESULTS_DIR as the build"
        )
    if target.exists():
        for old in target.iterdir():
            if old.name not in named:
                old.unlink()
    target.mkdir(parents=True, exist_ok=True)
    copies = []
    for name in named:
        copy = target / name
        if not copy.is_file() or copy.stat().st_size != (source / name).stat().st_size:
            shutil.copyfile(source / name, copy)
        copies.append(copy)
    return copies


def write_page(folder, body: str, onnx_folder, runtime) -> Path:
    """A stand-alone page laid out as the built book lays out its labs: ``folder/index.html`` holding ``body``, the
    runtime (the folder ``scripts/vendor_onnxruntime.sh`` fills) under ``_static/onnxruntime`` and the models ``body``
    names, from ``onnx_folder``, under ``_static/dae-lab``. Returns the page's path (serve ``folder`` to open it)."""
    folder, runtime = Path(folder), Path(runtime)
    missing = [name for name in RUNTIME_FILES if not (runtime / name).is_file()]
    if missing:
        raise FileNotFoundError(f"no ONNX Runtime Web in {runtime} (missing {missing}): run `bash scripts/vendor_onnxruntime.sh`")
    target = folder / RUNTIME_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_FILES:
        shutil.copyfile(runtime / name, target / name)
    page = folder / "index.html"
    page.write_text(
        '<!doctype html><html lang="en" data-content_root="./"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>denoising lab</title></head>'
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    copy_models(folder, onnx_folder)
    return page


__all__ = ["RUNTIME_FOLDER", "copy_models", "named_models", "runtime_files", "write_page"]
