"""The denoising lab's speed in a browser: median milliseconds per update (new noise, every model, PSNR, SSIM, drawing).

Each chapter's lab is rebuilt here with models of the chapter's shapes (untrained: the time does not depend on the
weights), written into a page laid out as the built book lays it out (:func:`dae.lab.write_page`), served on a local
port and opened in headless Chromium (Debian's ``/usr/bin/chromium`` or ``$DAE_CHROMIUM``), where 50 updates are
timed. The runtime is the copy ``scripts/vendor_onnxruntime.sh`` keeps in ``_build/vendor/onnxruntime``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import statistics
import tempfile
import threading
from pathlib import Path

from .. import results

UPDATES = 50
# What each chapter's lab runs: the models of each benchmark row, as the chapter shows them.
LABS = {"ch02-dense": ("ch02-dense",), "ch03-conv": ("ch03-conv", "ch03-unet", "ch03-unet", "ch03-unet")}


def runtime_dir() -> Path:
    """Where ``scripts/vendor_onnxruntime.sh`` keeps ONNX Runtime Web: ``_build/vendor/onnxruntime`` of the project."""
    return (results.project_root() or Path.cwd()) / "_build" / "vendor" / "onnxruntime"


@contextlib.contextmanager
def served(folder: Path):
    """``folder`` served over HTTP on a free local port (browsers run WebAssembly only over http): yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def update_ms(models: dict, digits, updates: int = UPDATES) -> list[float]:
    """Milliseconds of each of ``updates`` updates of a lab over ``models`` ({name: Keras model}) in headless Chromium."""
    from playwright.sync_api import sync_playwright

    from .. import lab

    chromium = os.environ.get("DAE_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).is_file():
        raise FileNotFoundError(f"no Chromium at {chromium} (apt-get install chromium, or set DAE_CHROMIUM)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        block = lab.html(models, digits, folder=folder / "onnx")
        lab.write_page(folder / "site", block, folder / "onnx", runtime_dir())
        with served(folder / "site") as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            try:
                page = browser.new_page()
                page.goto(f"{base}/index.html")
                page.wait_for_function("() => ['live', 'error', 'off'].includes(document.querySelector('.dae-lab').dataset.state)", timeout=120_000)
                state = page.eval_on_selector(".dae-lab", "r => [r.dataset.state, r.querySelector('.dae-lab-status').textContent]")
                if state[0] != "live":
                    raise RuntimeError(f"the lab did not start: {state[1]}")
                return page.eval_on_selector(
                    ".dae-lab",
                    """async (r, n) => { const t = [];
                      for (let i = 0; i < n; i++) { const s = performance.now(); await r.daeLab.update(); t.push(performance.now() - s); }
                      return t; }""",
                    updates,
                )
            finally:
                browser.close()


def bench_labs(names) -> dict[str, float | None]:
    """{benchmark row: median ms per update of the chapter lab it heads} for the rows in ``names`` that head one; a lab
    that cannot run here (no Chromium, no runtime) is reported and left out."""
    from .. import data
    from .schedules import image_model

    digits = data.to_float_images(data.load_mnist()[1][0][:64])
    medians = {}
    for row, shown in LABS.items():
        if row not in names:
            continue
        models = {f"{name} {i + 1}": image_model(name, "chapter", 1, 64) for i, name in enumerate(shown)}
        try:
            medians[row] = statistics.median(update_ms(models, digits))
        except (FileNotFoundError, RuntimeError) as err:
            print(f"  the lab of {row} was not timed: {err}", flush=True)
            medians[row] = None
    return medians
