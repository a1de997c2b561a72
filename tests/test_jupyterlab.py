"""A live slider in a real notebook front-end: JupyterLab, driven by headless Chromium as a reader drives it.

The test starts JupyterLab on a free localhost port with a token, in a folder of its own (workspace, settings and
runtime files too, so two runs never collide), opens a small notebook that calls ``dae.sliders.live`` as Chapters 2
and 3 do, runs all its cells, then moves the noise-level slider with the keyboard and with the mouse, and checks
that the picture and the PSNR text change within 10 seconds of each move and that no cell ended in an error. The
server and its kernel are stopped afterwards, also when the test fails. Screenshots of the slider at two
positions go beside the browser test's (``$DAE_SCREENSHOTS``).

The notebook denoises with a median filter rather than a chapter's trained network: a chapter runs for minutes,
and what this test checks (the widgets, their messages to the kernel and the redrawn output) does not depend on
the denoiser. The chapters themselves run under the book build and nbval. ``DAE_JUPYTERLAB_CHAPTERS=1`` also
runs the test on Chapters 2 and 3 themselves, every cell in quick mode (minutes each), with their own sliders.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import launch_chromium

MOVE_SECONDS = 10  # the most a reader should wait for the slider's output after a move
NOTEBOOK = "live_slider.ipynb"
BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = ["02_shallow_denoising.ipynb", "03_convolutional.ipynb"]  # the chapters that call dae.sliders.live
NOTEBOOKS = [NOTEBOOK] + (CHAPTERS if os.environ.get("DAE_JUPYTERLAB_CHAPTERS") == "1" else [])
CELLS = [
    "import dae\n(_, _), (x_test, _) = dae.data.load_mnist()\nx_test = dae.data.to_float_images(x_test[:10])",
    'median = lambda batch: dae.baselines.denoise("median filter", batch, 3)\ndae.sliders.live(x_test, {"median filter (3 x 3)": median})',
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write_notebook(folder: Path) -> None:
    blank = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    cells = [blank | {"id": f"cell-{k}", "source": text} for k, text in enumerate(CELLS)]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}
    (folder / NOTEBOOK).write_text(json.dumps(notebook, indent=1))


@pytest.fixture()
def jupyterlab(tmp_path):
    """A JupyterLab server on a free port, all its files under ``tmp_path``; yields (base URL, token); stops it after."""
    if not os.environ.get("DAE_BOOK_HTML"):
        pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (requirements.txt installs it)")
    root, token, port = tmp_path / "notebooks", secrets.token_hex(16), _free_port()
    root.mkdir()
    _write_notebook(root)
    for chapter in CHAPTERS:
        (root / chapter).write_bytes((BOOK / chapter).read_bytes())
    # No "Would you like to get notified about Jupyter news?" over the screenshots.
    news = tmp_path / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text(json.dumps({"fetchNews": "false"}))
    env = dict(
        os.environ,
        DAE_QUICK="1",
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
    )
    env.pop("MPLBACKEND", None)  # tests/conftest.py sets Agg, which would keep the kernel's figures out of the page
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}"]
    command += ["--ServerApp.port_retries=0"]
    command += [f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True"]
    command += ["--ServerApp.allow_root=True"]  # CI runs as root
    log = (tmp_path / "server.log").open("w")
    # A process group of its own, so that stopping it stops the kernels it started too.
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start on port {port}:\n{(tmp_path / 'server.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token
    finally:
        _stop(server)
        log.close()


def _stop(server: subprocess.Popen) -> None:
    # The server, then whatever is left of its group (its kernels): politely first.
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, None)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            break
        try:
            server.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


def _output_state(cell) -> dict:
    # The slider's output, inside the slider's own cell: the picture's data and the printed PSNR line.
    return cell.evaluate(
        """cell => {
          const area = [...cell.querySelectorAll('.jp-OutputArea-output')];
          const img = area.map(o => o.querySelector('img')).filter(Boolean).pop();
          const text = area.map(o => o.innerText).filter(t => t.includes('PSNR')).pop();
          return {image: img ? img.src.slice(-400) : null, text: text || null};
        }"""
    )


def _wait_for_change(page, cell, before: dict, what: str) -> dict:
    deadline = time.monotonic() + MOVE_SECONDS
    while time.monotonic() < deadline:
        now = _output_state(cell)
        if now["image"] and now["text"] and now["image"] != before["image"] and now["text"] != before["text"]:
            return now
        page.wait_for_timeout(200)
    pytest.fail(f"{what}: the picture and the PSNR text did not both change within {MOVE_SECONDS} s (before {before['text']!r}, now {now['text']!r})")


def _errors(page) -> list:
    return page.evaluate(
        """() => window.jupyterapp.shell.currentWidget.content.model.toJSON().cells
              .flatMap(c => (c.outputs || []).filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue))"""
    )


ALL_RUN = """() => {
  const panel = window.jupyterapp.shell.currentWidget, cells = panel.content.model.toJSON().cells;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return kernel && kernel.status === 'idle' && cells.filter(c => c.cell_type === 'code').every(c => c.execution_count !== null);
}"""


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_live_slider_moves_in_jupyterlab(jupyterlab, tmp_path, notebook):
    from playwright.sync_api import sync_playwright

    base, token = jupyterlab
    shots = Path(os.environ.get("DAE_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            page.goto(f"{base}/lab/tree/{notebook}?token={token}")
            page.wait_for_function(  # the notebook open, its kernel started and connected
                "() => { const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                " const session = panel && panel.sessionContext && panel.sessionContext.session;"
                " return !!(session && session.kernel && session.kernel.connectionStatus === 'connected'); }",
                timeout=90_000,
            )
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_timeout(1000)  # let the kernel turn busy
            page.wait_for_function(ALL_RUN, timeout=(120 if notebook == NOTEBOOK else 1200) * 1000, polling=500)  # to the last cell
            assert not _errors(page), f"a cell ended in an error: {_errors(page)}"
            handle = page.locator(".widget-hslider", has=page.locator(".widget-label", has_text="level")).locator(".noUi-handle")
            cell = page.locator(".jp-CodeCell", has=handle)
            handle.scroll_into_view_if_needed()
            page.wait_for_function("cell => cell.querySelector('.jp-OutputArea-output img')", arg=cell.element_handle(), timeout=60_000)
            first = _output_state(cell)
            assert first["text"], "the slider printed no PSNR line"
            name = Path(notebook).stem
            page.screenshot(path=str(shots / f"jupyterlab-{name}-level-0.20.png"))

            handle.focus()  # the keyboard: three steps up
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            after_keys = _wait_for_change(page, cell, first, "three ArrowRight presses on the level slider")
            keyed = float(handle.get_attribute("aria-valuenow"))
            assert 0.2 < keyed <= 0.6, f"the keys moved the level from 0.20 to {keyed}"

            box = handle.bounding_box()  # the mouse: drag the handle to the right
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2, steps=5)
            page.mouse.up()
            _wait_for_change(page, cell, after_keys, "dragging the level slider with the mouse")
            assert float(handle.get_attribute("aria-valuenow")) > keyed
            page.screenshot(path=str(shots / f"jupyterlab-{name}-level-{float(handle.get_attribute('aria-valuenow')):.2f}.png"))
            assert not _errors(page), f"a cell ended in an error: {_errors(page)}"
        except Exception:
            page.screenshot(path=str(shots / f"jupyterlab-{Path(notebook).stem}-failed.png"))  # what the page showed when it failed
            (shots / f"jupyterlab-{Path(notebook).stem}-failed.html").write_text(page.content())
            raise
        finally:
            browser.close()
