"""The built book as a reader meets it: headless Chromium opens every page that _toc.yml lists.

The pages are served by a local HTTP server and every request to another host is refused, as on a
machine without internet. For each page: no console errors, no failed requests, no request outside
the server, every image loaded, every audio element playable with a non-zero duration, formulas
typeset by the book's own MathJax; for each notebook chapter, a Colab button that opens that
chapter's notebook; for each static slider (``dae.sliders.static``), moving it changes the images and
the PSNR text, and its text keeps its contrast in the theme's light and dark modes; for each static sound
slider (``dae.sliders.static_audio``, ``data-kind="audio"``), moving it also swaps every player's clip but
the clean one's, and the new clips play. Screenshots of each
page, and of each slider at two positions, go to ``$DAE_SCREENSHOTS`` (scripts/test.sh: _build/quick/screenshots).

Runs against ``$DAE_BOOK_HTML`` (scripts/test.sh sets it to the quick build) and is skipped only when
that build is absent. Chromium is Debian's ``/usr/bin/chromium`` (``$DAE_CHROMIUM`` to use another);
a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("DAE_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 900}
MIN_CONTRAST = 4.5  # WCAG AA for normal text


def _toc_pages() -> list[str]:
    """Every page of the book in _toc.yml order: the root, then chapters, parts and sections."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            for part in entry.get("parts", []):
                walk(part.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return pages


PAGES = _toc_pages()
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def _notebook(page: str) -> Path | None:
    path = ROOT / f"{page}.ipynb"
    return path if path.is_file() else None


def _live_slider_kinds(page: str) -> set[str]:
    """The kinds of live slider a notebook page calls: 'image' (``sliders.live``), 'audio' (``sliders.live_audio``)."""
    notebook = _notebook(page)
    if notebook is None:
        return set()
    cells = json.loads(notebook.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return {kind for kind, call in (("image", "sliders.live("), ("audio", "sliders.live_audio(")) if call in code}


def _has_live_slider(page: str) -> bool:
    return bool(_live_slider_kinds(page))


@pytest.fixture(scope="module")
def html_root() -> Path:
    raw = os.environ.get("DAE_BOOK_HTML", "").strip()
    if not raw:
        pytest.skip("no built book to open: DAE_BOOK_HTML is unset (scripts/test.sh builds the quick book and sets it)")
    root = Path(raw)
    if not (root / "index.html").is_file():
        pytest.skip(f"no built book to open: {root}/index.html is absent (scripts/test.sh builds it first)")
    return root


@pytest.fixture(scope="module")
def screenshots(html_root) -> Path:
    folder = Path(os.environ.get("DAE_SCREENSHOTS") or html_root.parent / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):  # only this run's pictures, none of a page that has gone
        old.unlink()
    return folder


@pytest.fixture(scope="module")
def server(html_root):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html_root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) or set DAE_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """What one page load showed: problems found, and what the page holds."""

    url: str
    external: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    broken_images: list = field(default_factory=list)
    images: int = 0
    unlabelled_images: list = field(default_factory=list)
    audio: list = field(default_factory=list)
    colab_links: list = field(default_factory=list)
    math: dict = field(default_factory=dict)
    sliders: list = field(default_factory=list)
    contrast: list = field(default_factory=list)


IMAGES_JS = """async () => {
  const images = [...document.images];
  images.forEach(i => { i.loading = "eager"; });
  await Promise.all(images.map(i => i.complete ? null : new Promise(r => { i.addEventListener("load", r); i.addEventListener("error", r); })));
  return images.map(i => ({src: (i.currentSrc || i.src).slice(0, 120), ok: i.complete && i.naturalWidth > 0,
    alt: i.getAttribute("alt") || "", caption: !!(i.closest("figure") && i.closest("figure").querySelector("figcaption"))}));
}"""

AUDIO_JS = """async (root) => {
  const players = [...(root || document).querySelectorAll("audio")];
  const wait = a => new Promise(r => {
    if (a.readyState >= 1 || a.error) return r();
    a.addEventListener("loadedmetadata", r, {once: true}); a.addEventListener("error", r, {once: true});
    setTimeout(r, 10000);
  });
  players.forEach(a => { a.preload = "auto"; if (a.readyState === 0) a.load(); });
  await Promise.all(players.map(wait));
  return players.map(a => {
    const source = a.querySelector("source");
    const type = (source && source.type) || "";
    return {src: (a.currentSrc || "").slice(0, 80), type, canPlay: type ? a.canPlayType(type) : "unknown",
            duration: a.duration, error: a.error ? a.error.code : null, readyState: a.readyState};
  });
}"""

MATH_JS = """async () => {
  const math = document.querySelectorAll(".math, span.math, div.math").length;
  if (math && window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  return {math, typeset: document.querySelectorAll("mjx-container").length, errors: document.querySelectorAll("mjx-merror").length};
}"""

SLIDER_STATE_JS = """root => ({
  kind: root.getAttribute("data-kind") || "image",
  srcs: [...root.querySelectorAll("img")].map(i => i.src),
  // each player's clip as a hash of its data URI (a clip is ~0.1 MB; headers alike, so no prefix will do)
  clips: [...root.querySelectorAll("audio")].map(a => {
    const s = a.querySelector("source"), src = (s && s.getAttribute("src")) || a.getAttribute("src") || "";
    let h = 5381; for (let i = 0; i < src.length; i++) h = ((h * 33) ^ src.charCodeAt(i)) >>> 0;
    return src.length + ":" + h;
  }),
  alts: [...root.querySelectorAll("img")].map(i => i.alt),
  psnr: [...root.querySelectorAll(".dae-slider-psnr")].map(s => s.textContent),
  level: root.querySelector("input[type=range]").value,
  valuetext: root.querySelector("input[type=range]").getAttribute("aria-valuetext"),
  ready: root.getAttribute("data-ready"),
})"""

CONTRAST_JS = """root => {
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return m.length === 3 ? [...m, 1] : m; };
  const background = el => {
    for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0.5) return c; }
    return [255, 255, 255, 1];
  };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                     return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  return [...root.querySelectorAll("figcaption, label, output, select, .dae-slider-note")].map(el => ({
    text: el.textContent.trim().slice(0, 40), ratio: ratio(rgba(getComputedStyle(el).color), background(el)),
  }));
}"""


def _visit(browser, base: str, page_name: str, scheme: str, shots: Path | None) -> Visit:
    url = f"{base}/{page_name}.html"
    visit = Visit(url=url)
    context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)

    def route(request_route):
        request_url = request_route.request.url
        if request_url.startswith(base + "/"):
            request_route.continue_()
        else:  # no internet here: anything else the page asks for is a fault
            visit.external.append(request_url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(f"{m.text} ({m.location.get('url', '')})"))
    page.on("pageerror", lambda e: visit.console_errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: r.url.startswith(base) and visit.failed.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and visit.failed.append(f"{r.url}: HTTP {r.status}"))
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        images = page.evaluate(IMAGES_JS)
        visit.images = len(images)
        visit.broken_images = [i["src"] for i in images if not i["ok"]]
        visit.unlabelled_images = [i["src"] for i in images if not i["alt"].strip() and not i["caption"]]
        visit.audio = page.evaluate(AUDIO_JS)
        visit.math = page.evaluate(MATH_JS)
        visit.colab_links = page.eval_on_selector_all("a[href*='colab.research.google.com']", "as => as.map(a => a.href)")
        stem = page_name.split("/")[-1]
        if shots is not None:
            page.screenshot(path=str(shots / f"{stem}-{scheme}.png"))
        for k, root in enumerate(page.query_selector_all(".dae-slider")):
            root.evaluate('r => r.scrollIntoView({block: "center"})')
            visit.contrast += root.evaluate(CONTRAST_JS)
            before = root.evaluate(SLIDER_STATE_JS)
            if shots is not None:
                page.screenshot(path=str(shots / f"{stem}-slider{k + 1}-start-{scheme}.png"))
            root.query_selector("input[type=range]").focus()
            page.keyboard.press("End")  # as a reader would: keyboard or drag, both fire input events
            after = root.evaluate(SLIDER_STATE_JS)
            if shots is not None:
                page.screenshot(path=str(shots / f"{stem}-slider{k + 1}-end-{scheme}.png"))
            other_noise, clips_after = None, []
            if root.query_selector("select"):  # an image slider: the next noise type, same level
                root.query_selector("select").select_option(index=1)
                other_noise = root.evaluate(SLIDER_STATE_JS)
            if after["clips"]:  # a sound slider: the clips it swapped in must load and play
                clips_after = root.evaluate(AUDIO_JS)
            visit.sliders.append({"before": before, "after": after, "other_noise": other_noise, "clips_after": clips_after})
        # Events still arriving after the interactions count too.
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return visit


@pytest.fixture(scope="module")
def visits(browser, server, screenshots):
    """Each page loaded once in the light theme and once in the dark one, cached for all the tests below."""
    cache = {}

    def get(page_name: str, scheme: str = "light") -> Visit:
        if (page_name, scheme) not in cache:
            cache[page_name, scheme] = _visit(browser, server, page_name, scheme, screenshots)
        return cache[page_name, scheme]

    return get


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_loads_cleanly_and_offline(visits, page, scheme):
    visit = visits(page, scheme)
    assert not visit.external, f"{visit.url} asks other hosts for {visit.external}; the book must read offline"
    assert not visit.failed, f"{visit.url}: failed requests {visit.failed}"
    assert not visit.console_errors, f"{visit.url}: console errors {visit.console_errors}"


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads_and_is_described(visits, page):
    visit = visits(page)
    assert not visit.broken_images, f"{visit.url}: images that did not load {visit.broken_images}"
    assert not visit.unlabelled_images, f"{visit.url}: images with neither alt text nor caption {visit.unlabelled_images}"


@pytest.mark.parametrize("page", PAGES)
def test_every_audio_player_plays(visits, page):
    visit = visits(page)
    for player in visit.audio:
        assert player["error"] is None and player["readyState"] >= 1, f"{visit.url}: audio cannot load: {player}"
        assert player["canPlay"] != "", f"{visit.url}: Chromium cannot play {player['type']!r}: {player}"
        assert 0 < player["duration"] < float("inf"), f"{visit.url}: audio of duration {player['duration']}: {player}"


@pytest.mark.parametrize("page", PAGES)
def test_formulas_are_typeset_by_the_books_own_mathjax(visits, page):
    math = visits(page).math
    if math["math"]:
        assert math["typeset"] >= math["math"] and not math["errors"], f"{page}: MathJax typeset {math}"


@pytest.mark.parametrize("page", [p for p in PAGES if _notebook(p)])
def test_colab_button_opens_this_chapter(visits, page):
    owner_repo = CONFIG["repository"]["url"].rstrip("/").split("github.com/")[1]
    branch = CONFIG["repository"].get("branch", "main")
    colab = CONFIG["launch_buttons"]["colab_url"].rstrip("/")
    expected = f"{colab}/github/{owner_repo}/blob/{branch}/{page}.ipynb"
    links = visits(page).colab_links
    assert links == [expected], f"{page}: Colab links {links}, expected [{expected}]"


def _check_clips_swap(where: str, before: dict, after: dict, clips_after: list) -> None:
    """A sound slider moved: the clean clip (first) stays, every other clip changes, and the new clips play."""
    assert len(after["clips"]) == len(after["srcs"]), f"{where}: one player per spectrogram expected, got {after}"
    assert after["clips"][0] == before["clips"][0], f"{where}: the clean clip changed with the SNR"
    assert all(a != b for a, b in zip(after["clips"][1:], before["clips"][1:])), f"{where}: clips unchanged"
    assert len(clips_after) == len(after["clips"]), f"{where}: players {clips_after}"
    for player in clips_after:
        assert player["error"] is None and player["readyState"] >= 1 and 0 < player["duration"] < float("inf"), (
            f"{where}: a clip swapped in by the slider does not play: {player}"
        )


@pytest.mark.parametrize("page", PAGES)
def test_static_sliders_move(visits, page):
    visit = visits(page)
    for kind in sorted(_live_slider_kinds(page)):
        assert any(s["before"]["kind"] == kind for s in visit.sliders), (
            f"{page} has a live ipywidgets {kind} slider but its page shows no static one "
            f"({'dae.sliders.static_audio' if kind == 'audio' else 'dae.sliders.static'})"
        )
    for k, slider in enumerate(visit.sliders, 1):
        before, after, other = slider["before"], slider["after"], slider["other_noise"]
        assert before["ready"] == "true", f"{page}: slider {k}'s script did not run"
        assert after["level"] != before["level"] and after["valuetext"] != before["valuetext"], f"{page}: slider {k} did not move"
        assert after["srcs"][0] == before["srcs"][0], f"{page}: slider {k}: the clean digit changed with the noise level"
        assert all(a != b for a, b in zip(after["srcs"][1:], before["srcs"][1:])), f"{page}: slider {k}: images unchanged"
        assert after["psnr"] != before["psnr"], f"{page}: slider {k}: PSNR text unchanged ({after['psnr']})"
        assert after["alts"] != before["alts"], f"{page}: slider {k}: alt text does not follow the slider"
        if other is not None:
            assert other["srcs"][1] != after["srcs"][1] and other["psnr"] != after["psnr"], f"{page}: slider {k}: noise choice ignored"
        if before["kind"] == "audio" or before["clips"]:
            _check_clips_swap(f"{page}: slider {k}", before, after, slider["clips_after"])


@pytest.mark.parametrize("page", [p for p in PAGES if _has_live_slider(p)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_static_slider_text_reads_in_both_themes(visits, page, scheme):
    visit = visits(page, scheme)
    assert visit.contrast, f"{page}: no slider text found"
    low = [c for c in visit.contrast if c["ratio"] < MIN_CONTRAST]
    assert not low, f"{page} ({scheme}): slider text below contrast {MIN_CONTRAST}: {low}"


@contextlib.contextmanager
def bare_page(browser, block):
    """``block`` alone in a blank offline page (every request refused): yields (page, console errors)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", lambda r: r.abort())
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.set_content(f"<!doctype html><html><body>{block}</body></html>")
        yield page, errors
    finally:
        context.close()


def test_static_slider_block_works_on_its_own(browser, images):
    """The block from dae.sliders.static in a bare page: no theme, no server, no network."""
    from dae import sliders

    block = sliders.static_html(images[:2], {"identity": lambda b: b}, levels=(0.0, 0.3, 0.6), level=0.0)
    with bare_page(browser, block) as (page, errors):
        root = page.query_selector(".dae-slider")
        before = root.evaluate(SLIDER_STATE_JS)
        root.query_selector("input[type=range]").focus()
        page.keyboard.press("ArrowRight")
        after = root.evaluate(SLIDER_STATE_JS)
        root.query_selector("select[id$=-digit]").select_option(index=1)
        other_digit = root.evaluate(SLIDER_STATE_JS)
    assert not errors, errors
    assert before["ready"] == "true" and before["level"] == "0" and after["level"] == "1"
    assert after["valuetext"] == "0.30" and after["psnr"] != before["psnr"] and after["srcs"][1] != before["srcs"][1]
    assert other_digit["srcs"][0] != after["srcs"][0], "choosing another digit should change the clean image"


def test_static_audio_slider_block_works_on_its_own(browser):
    """The block from dae.sliders.static_audio in a bare page: players, spectrograms and SI-SDR follow the slider."""
    from conftest import speechlike

    from dae import audio, sliders

    sr = 8000
    clean = speechlike(1.0, sr=sr)
    noise = audio.make_noise("white", clean.size, sr, seed=1)
    block = sliders.static_audio_html(clean, noise, {"identity": lambda y: y, "halved": lambda y: 0.5 * y}, sr, snrs=(-5, 5, 15), snr_db=-5)
    with bare_page(browser, block) as (page, errors):
        root = page.query_selector(".dae-slider")
        clips_before = root.evaluate(AUDIO_JS)
        before = root.evaluate(SLIDER_STATE_JS)
        root.query_selector("input[type=range]").focus()
        page.keyboard.press("ArrowRight")
        after = root.evaluate(SLIDER_STATE_JS)
        clips_after = root.evaluate(AUDIO_JS)
        page.keyboard.press("ArrowLeft")  # back to the start: the position the script read back from the markup
        back = root.evaluate(SLIDER_STATE_JS)
    assert not errors, errors
    assert before["kind"] == "audio" and before["ready"] == "true" and before["level"] == "0" and after["level"] == "1"
    assert before["valuetext"] == "-5 dB" and after["valuetext"] == "5 dB"
    assert before["psnr"][0] == "target" and all(p.startswith("SI-SDR ") for p in after["psnr"][1:])
    assert after["psnr"][1:] != before["psnr"][1:] and after["alts"][1:] != before["alts"][1:]
    assert after["srcs"][0] == before["srcs"][0] and all(a != b for a, b in zip(after["srcs"][1:], before["srcs"][1:]))
    assert all(abs(player["duration"] - 1.0) < 0.01 for player in clips_before), clips_before
    _check_clips_swap("static_audio_html", before, after, clips_after)
    assert back == before
