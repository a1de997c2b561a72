"""The built book as a reader meets it: headless Chromium opens every page that _toc.yml lists.

The pages are served by a local HTTP server and every request to another host is refused, as on a
machine without internet. For each page: no console errors, no failed requests, no request outside
the server, every image loaded, every audio element playable with a non-zero duration, formulas
typeset by the book's own MathJax; for each notebook chapter, a Colab button that opens that
chapter's notebook; for each static slider (``dae.sliders.static``), moving it changes the images and
the PSNR text, and its text keeps its contrast in the theme's light and dark modes; for each static sound
slider (``dae.sliders.static_audio``, ``data-kind="audio"``), moving it also swaps every player's clip but
the clean one's, and the new clips play. On a phone and a laptop, light and dark: the sidebar toggles work,
code stays inside the column, listings follow the theme, tables read, figures show no larger than drawn with
their smallest text 9 px or more on a laptop, a figure too wide for a phone opens full size, long printed logs
fold, a slider's controls stay in view, one search box shows, and no model-cache key or '->' is printed.
Screenshots of each page, and of each slider at two positions, go to ``$DAE_SCREENSHOTS``
(scripts/test.sh: _build/quick/screenshots).

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
from conftest import launch_chromium

from dae.bench.lab import served

ROOT = Path(__file__).resolve().parents[1]
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
    # Only this run's pictures, none of a page that has gone. Under pytest-xdist each worker shares the folder, and
    # scripts/test.sh empties it before the run: a worker that cleared it would delete the other's pictures.
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        for old in folder.glob("*.png"):
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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
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

# WCAG contrast of an element's text colour against the first opaque background behind it.
CONTRAST_HELPERS_JS = """
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return m.length === 3 ? [...m, 1] : m; };
  const background = el => {
    for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0.5) return c; }
    return [255, 255, 255, 1];
  };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                     return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
"""
CONTRAST_JS = (
    """root => {
"""
    + CONTRAST_HELPERS_JS
    + """  return [...root.querySelectorAll("figcaption, label, output, select, .dae-slider-note")].map(el => ({
    text: el.textContent.trim().slice(0, 40), ratio: ratio(rgba(getComputedStyle(el).color), background(el)),
  }));
}"""
)


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
        # The page's script writes the alt text the build wrote: the reference picture's stays as it was.
        assert before["kind"] != "image" or after["alts"][0] == before["alts"][0], (
            f"{page}: slider {k}: alt text rewritten: {before['alts'][0]!r} -> {after['alts'][0]!r}"
        )
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
def offline_page(browser, html: str, viewport=VIEWPORT):
    """``html`` in a blank offline page (every request refused): yields (page, console errors)."""
    context = browser.new_context(viewport=viewport)
    context.route("**/*", lambda r: r.abort())
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.set_content(html)
        yield page, errors
    finally:
        context.close()


def bare_page(browser, block):
    """``block`` alone in a blank offline page: yields (page, console errors)."""
    return offline_page(browser, f"<!doctype html><html><body>{block}</body></html>")


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

    from dae import sliders, sound

    sr = 8000
    clean = speechlike(1.0, sr=sr)
    noise = sound.make_noise("white", clean.size, sr, seed=1)
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


# The page on a phone (390 px) and a laptop (1280 px), light and dark: the sidebar toggles, code that
# stays inside the column, and dae.source listings that follow the theme.

WIDTHS = (390, 1280)
SIDEBAR_JS = """kind => {
  const sidebar = document.getElementById(`pst-${kind}-sidebar`), dialog = document.getElementById(`pst-${kind}-sidebar-modal`);
  const shown = el => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    return box.width > 100 && box.height > 100 && box.right > 0 && box.left < innerWidth
      && style.visibility !== "hidden" && Number(style.opacity) > 0.5;
  };
  return {dialogOpen: !!(dialog && dialog.open), dialogShown: !!(dialog && dialog.open && shown(dialog)),
          inlineShown: !!sidebar && shown(sidebar), links: (dialog && dialog.open ? dialog : sidebar || document).querySelectorAll("a").length};
}"""
TOGGLES_JS = """() => [...document.querySelectorAll(".primary-toggle, .secondary-toggle")].map((b, index) => {
  const box = b.getBoundingClientRect();
  return {index, kind: b.classList.contains("primary-toggle") ? "primary" : "secondary",
          visible: box.width > 0 && box.height > 0 && getComputedStyle(b).visibility !== "hidden", label: b.getAttribute("aria-label") || b.title};
})"""
OVERFLOWING_PRE_JS = """() => [...document.querySelectorAll(".bd-article pre")]
  .filter(p => p.getClientRects().length && p.scrollWidth > p.clientWidth + 1)
  .map(p => ({where: p.closest(".cell_input") ? "code cell" : p.closest(".cell_output") ? "output" : "prose",
              by: p.scrollWidth - p.clientWidth, line: p.textContent.split("\\n").reduce((a, l) => l.length > a.length ? l : a, "").slice(0, 80)}))"""
LISTING_CONTRAST_JS = (
    """root => {
"""
    + CONTRAST_HELPERS_JS
    + """  const holders = new Set();  // every element that shows text of its own: tokens, the name, the control
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode())
    if (t.textContent.trim() && !t.parentElement.closest("style") && t.parentElement.getClientRects().length) holders.add(t.parentElement);
  return [...holders].map(el => ({
    text: el.textContent.trim().slice(0, 40), ratio: ratio(rgba(getComputedStyle(el).color), background(el)),
  }));
}"""
)


@contextlib.contextmanager
def _offline_page(browser, base: str, page_name: str, width: int, scheme: str):
    """``page_name`` from the local server at ``width`` px in the ``scheme`` theme: yields (page, errors)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base + "/") else r.abort())
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    try:
        page.goto(f"{base}/{page_name}.html", wait_until="load")
        page.wait_for_load_state("networkidle")
        yield page, errors
    finally:
        context.close()


@pytest.fixture(scope="module")
def read_only_page(browser, server):
    """``read_only_page(page_name, width, scheme)``: like :func:`_offline_page`, but the loaded page stays open for the
    next test that asks for the same one, so a test must only read it (evaluate, screenshot), never click or scroll.
    The tests of one page run one after another (tests/conftest.py orders them), so two open pages suffice."""
    opened = {}

    @contextlib.contextmanager
    def get(page_name: str, width: int, scheme: str):
        key = (page_name, width, scheme)
        if key not in opened:
            while len(opened) >= 2:
                opened.pop(next(iter(opened)))[0].close()
            stack = contextlib.ExitStack()  # closes the page when it leaves ``opened``, not when this test ends
            opened[key] = (stack, stack.enter_context(_offline_page(browser, server, page_name, width, scheme)))
        yield opened[key][1]

    yield get
    for stack, _ in opened.values():
        stack.close()


def _wait_for_sidebar(page, kind: str, test: str, what: str) -> dict:
    """Wait (transitions included) until the sidebar state passes ``test`` (a JS expression on ``s``); fail with ``what``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"kind => {{ const s = ({SIDEBAR_JS})(kind); return {test}; }}", arg=kind, timeout=3000)
        reached = True
    except PlaywrightTimeout:
        reached = False
    state = page.evaluate(SIDEBAR_JS, kind)
    assert reached, f"{what}: the {kind} sidebar is {state}"
    return state


NAV_PAGES = [PAGES[0], next(p for p in PAGES if _notebook(p))]


@pytest.mark.parametrize("page_name", NAV_PAGES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_visible_sidebar_toggle_opens_its_sidebar(browser, server, screenshots, page_name, width, scheme):
    """The hamburger and "On this page" buttons a reader sees work (pydata-sphinx-theme 0.17.1 binds only the first,
    hidden, one: _ext/static/dae-nav.js). A toggle that opens a <dialog> drawer: Escape closes it, and so does a
    click outside it. The primary toggle on a wide screen hides the sidebar in place and shows it again."""
    stem = page_name.split("/")[-1]
    with _offline_page(browser, server, page_name, width, scheme) as (page, errors):
        toggles = [t for t in page.evaluate(TOGGLES_JS) if t["visible"]]
        kinds = {t["kind"] for t in toggles}
        assert "primary" in kinds, f"{page_name} at {width} px: no visible primary (site navigation) toggle"
        if width < 992:
            assert "secondary" in kinds, f"{page_name} at {width} px: no visible 'On this page' toggle"
        for toggle in toggles:
            kind, where = toggle["kind"], f"{page_name} at {width} px ({scheme}), {toggle['kind']} toggle {toggle['label']!r}"
            button = page.query_selector_all(".primary-toggle, .secondary-toggle")[toggle["index"]]
            before = page.evaluate(SIDEBAR_JS, kind)
            button.click()
            if before["inlineShown"]:  # a sidebar in place (the primary one on a wide screen): hidden, then back
                _wait_for_sidebar(page, kind, "!s.inlineShown && !s.dialogOpen", f"{where} did not hide the sidebar it shows")
                page.screenshot(path=str(screenshots / f"nav-{stem}-{kind}-{width}-{scheme}-hidden.png"))
                button.click()
                _wait_for_sidebar(page, kind, "s.inlineShown && !s.dialogOpen", f"{where} did not show the sidebar again")
                continue
            opened = _wait_for_sidebar(page, kind, "s.dialogShown", f"{where} did not open its drawer")
            assert opened["links"] > 0, f"{where}: the drawer opened empty {opened}"
            page.screenshot(path=str(screenshots / f"nav-{stem}-{kind}-{width}-{scheme}-open.png"))
            page.keyboard.press("Escape")
            closed = _wait_for_sidebar(page, kind, "!s.dialogOpen", f"{where}: Escape did not close the drawer")
            assert closed["links"] == opened["links"], f"{where}: the links did not go back to the page's sidebar"
            button.click()
            _wait_for_sidebar(page, kind, "s.dialogShown", f"{where} did not open its drawer a second time")
            box = page.eval_on_selector(f"#pst-{kind}-sidebar-modal", "d => { const r = d.getBoundingClientRect(); return [r.left, r.right]; }")
            outside = box[1] + (width - box[1]) / 2 if box[1] < width - 20 else box[0] / 2
            page.mouse.click(outside, 450)
            _wait_for_sidebar(page, kind, "!s.dialogOpen", f"{where}: a click outside the drawer (x={outside:.0f}) did not close it")
    assert not errors, f"{page_name} at {width} px: console errors {errors}"


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_code_and_printed_results_stay_inside_the_column(read_only_page, page_name, width):
    """No code cell, output or code block scrolls sideways (long lines wrap: _ext/static/dae-page.css), and on a phone
    nothing makes the page itself wider than the screen."""
    with read_only_page(page_name, width, "light") as (page, _):
        overflowing = page.evaluate(OVERFLOWING_PRE_JS)
        page_width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert not overflowing, f"{page_name} at {width} px: {len(overflowing)} code boxes scroll sideways, e.g. {overflowing[:3]}"
    assert page_width[0] <= page_width[1], f"{page_name} at {width} px: the page is {page_width[0]} px wide, the screen {page_width[1]}"


def _source_show_calls(page: str) -> int:
    notebook = _notebook(page)
    if notebook is None:
        return 0
    cells = json.loads(notebook.read_text())["cells"]
    return sum("".join(c["source"]).count("source.show(") for c in cells if c["cell_type"] == "code")


LISTING_PAGES = [p for p in PAGES if _source_show_calls(p)]


@pytest.mark.parametrize("page_name", LISTING_PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_source_listings_follow_the_theme_and_fold(browser, server, screenshots, page_name, scheme):
    """Each dae.source.show listing reads (contrast >= 4.5) in the page's theme, light or dark; a long one opens
    collapsed on its first lines, with a "show all N lines" control that opens the rest."""
    from dae.source import COLLAPSE_OVER

    stem = page_name.split("/")[-1]
    with _offline_page(browser, server, page_name, 1280, scheme) as (page, errors):
        listings = page.query_selector_all(".dae-source")
        assert len(listings) == _source_show_calls(page_name), f"{page_name}: {len(listings)} listings for {_source_show_calls(page_name)} calls"
        low = []
        for k, listing in enumerate(listings, 1):
            lines = int(listing.get_attribute("data-lines"))
            details = listing.query_selector("details")
            if lines > COLLAPSE_OVER:
                assert details is not None and not details.evaluate("d => d.open"), f"{page_name}: listing {k} ({lines} lines) opens expanded"
                summary = details.query_selector("summary")
                label = summary.inner_text()
                assert summary.is_visible() and f"show all {lines} lines" in label, f"{page_name}: listing {k}: control {label!r}"
                assert not details.query_selector("pre").is_visible(), f"{page_name}: listing {k}: the folded lines show"
                listing.scroll_into_view_if_needed()
                if k == 1:
                    page.screenshot(path=str(screenshots / f"listing-{stem}-{scheme}-collapsed.png"))
                summary.click()
                assert details.query_selector("pre").is_visible(), f"{page_name}: listing {k}: 'show all' did not open the rest"
            else:
                assert details is None, f"{page_name}: listing {k} of {lines} lines is folded"
            low += [dict(c, listing=k) for c in listing.evaluate(LISTING_CONTRAST_JS) if c["ratio"] < MIN_CONTRAST]
    assert not errors, f"{page_name}: console errors {errors}"
    assert not low, f"{page_name} ({scheme}): listing text below contrast {MIN_CONTRAST}: {low[:5]}"


def test_source_listing_reads_without_the_theme(browser, tmp_path):
    """Outside the book (Jupyter, Colab: no data-theme on <html>) a listing brings its own colours, and folds."""
    import importlib.util

    from dae import source

    lines = ["def sample(a, b):", '    """A function long enough to fold."""'] + [f"    x{k} = {k}  # line {k}" for k in range(40)] + ["    return a"]
    (tmp_path / "fold_sample.py").write_text("\n".join(lines) + "\n")
    spec = importlib.util.spec_from_file_location("fold_sample", tmp_path / "fold_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with bare_page(browser, source.listing_html(module.sample)) as (page, errors):
        root = page.query_selector(".dae-source")
        keyword = page.eval_on_selector(".dae-source .k", "k => getComputedStyle(k).color")
        assert keyword != page.eval_on_selector(".dae-source .n", "n => getComputedStyle(n).color"), "no colours without the theme"
        assert not root.query_selector("details pre").is_visible()
        root.query_selector("summary").click()
        assert root.query_selector("details pre").is_visible()
        low = [c for c in root.evaluate(LISTING_CONTRAST_JS) if c["ratio"] < MIN_CONTRAST]
    assert not errors, errors
    assert not low, f"listing text below contrast {MIN_CONTRAST} without the theme: {low[:5]}"


# Tables as a reader meets them: what dae.results.readable and Recorder.show render, on a phone.

TABLES_JS = """() => [...document.querySelectorAll(".bd-article table")].map((table, index) => {
  const text = cell => cell.textContent.trim();
  const box = table.closest("div.output, div.cell_output") || table.parentElement;
  const first = table.querySelector("tbody tr > *");
  return {
    index, rows: table.rows.length, header: [...table.querySelectorAll("thead th")].slice(0, 8).map(text),
    firstHeaders: [...table.querySelectorAll("thead tr")].map(row => row.cells.length ? text(row.cells[0]) : null),
    odd: [...table.querySelectorAll("td, th")].map(text).filter(t => ["nan", "NaN", "None", "<NA>", "…", "...", "inf"].includes(t)),
    // a table of results (it has a header row) in a cell's output, wider than that output's box
    wide: !!table.tHead && !!table.closest("div.cell_output") && table.getBoundingClientRect().width > box.clientWidth + 1,
    scrolls: ["auto", "scroll"].includes(getComputedStyle(box).overflowX),
    sticky: !!first && getComputedStyle(first).position === "sticky",
    widestHeader: Math.max(0, ...[...table.querySelectorAll("thead th")].map(th => th.getBoundingClientRect().width)),
  };
})"""
WIDEST_HEADER_PX = 180  # about 9em of text and the cell's padding: a longer header wraps


@pytest.mark.parametrize("page_name", [p for p in PAGES if _notebook(p)])
def test_tables_show_every_row_with_plain_headers_and_no_nan(read_only_page, screenshots, page_name):
    """Every table of a chapter (.bd-article table) on a phone: no cell reads 'nan', 'NaN', 'None', 'inf' or '…' (a row
    pandas left out), no header row starts with an empty cell (pandas' index column), no 'N rows × M columns' note
    under it, a header longer than about 9em wraps rather than widening its column, and a table wider than the
    phone scrolls in its box with its first column held in view."""
    import re

    stem = page_name.split("/")[-1]
    with read_only_page(page_name, 390, "light") as (page, errors):
        tables = page.evaluate(TABLES_JS)
        article = page.inner_text(".bd-article")
        if any(t["wide"] for t in tables):
            page.screenshot(path=str(screenshots / f"tables-{stem}-390.png"), full_page=False)
    assert not errors, f"{page_name}: console errors {errors}"
    truncated = re.findall(r"\d+ rows × \d+ columns", article)
    assert not truncated, f"{page_name}: pandas cut a table short ({truncated[0]})"
    for table in tables:
        where = f"{page_name}: table {table['index'] + 1} {table['header']}"
        assert not table["odd"], f"{where} has cells {sorted(set(table['odd']))}: leave them empty, or show every row"
        empty_first = [k for k, first in enumerate(table["firstHeaders"]) if first == ""]
        assert not empty_first, f"{where}: header row {empty_first[0] + 1} starts with an empty cell (pandas' index column?)"
        assert table["widestHeader"] <= WIDEST_HEADER_PX, f"{where}: a header {table['widestHeader']:.0f} px wide on a phone"
        if table["wide"]:
            assert table["scrolls"] and table["sticky"], f"{where} is wider than a phone: it must scroll with its first column fixed {table}"


# Figures a reader can read: on a laptop (the text column is about 688 px at 1280 px) no figure shows larger
# than it was drawn, and its smallest text shows at MIN_FIGURE_TEXT_PX or more. A PNG does not say what text
# it holds, so dae.plots records it as each figure is drawn in a notebook (dae.figure_text.record_figure_fonts: text
# chunks with the dpi and the smallest font in points; dae.sliders does the same for its spectrograms). The page
# shows a figure drawn W px wide at w px, so text of F points at D dpi shows F * D / 72 * w / W px tall.

MIN_FIGURE_TEXT_PX = 9.0
FIGURES_JS = """() => [...document.querySelectorAll(".bd-article div.cell_output img, .bd-article figure img")]
  .filter(i => !i.closest('.dae-slider[data-kind="image"]'))  // pixel-sized digits, shown enlarged on purpose, no text
  .map((i, index) => {
    const style = getComputedStyle(i);
    const inner = i.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {index, src: i.getAttribute("src"), natural: i.naturalWidth, shown: inner, alt: (i.alt || "").slice(0, 60),
            link: !!(i.closest("a.dae-zoom") && i.closest("a.dae-zoom").hasAttribute("href"))};
  })"""


def _png_text(html_root: Path, page_name: str, src: str) -> dict:
    """The text chunks of the PNG an <img> of ``page_name`` shows (a file of the build, or a data URI)."""
    import base64
    import io
    import posixpath
    from urllib.parse import unquote

    from PIL import Image

    if src.startswith("data:"):
        data = base64.b64decode(src.split(",", 1)[1])
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page_name), unquote(src.split("?")[0])))
        data = (html_root / path).read_bytes()
    with Image.open(io.BytesIO(data)) as picture:
        return {k: v for k, v in picture.info.items() if isinstance(v, str)}


def _figure_text_px(chunks: dict, natural: float, shown: float) -> float | None:
    """How tall the smallest text of a figure shows, in CSS px; None for a figure without text."""
    from dae.figure_text import PNG_DPI_KEY, PNG_FONT_KEY

    if chunks[PNG_FONT_KEY] == "none":
        return None
    return float(chunks[PNG_FONT_KEY]) * float(chunks[PNG_DPI_KEY]) / 72.0 * shown / natural


@pytest.mark.parametrize("page_name", [p for p in PAGES if _notebook(p)])
@pytest.mark.parametrize("scheme", ["light", "dark"])  # the dark theme puts each figure on a padded panel
def test_figures_show_no_larger_than_drawn_and_their_text_reads_on_a_laptop(read_only_page, html_root, page_name, scheme):
    """Each figure of a chapter at 1280 px: shown at most at the size it was drawn (a blown-up PNG blurs), and its
    smallest text, as the page shows it, at least MIN_FIGURE_TEXT_PX tall (computed from what the PNG records)."""
    from dae.figure_text import PNG_DPI_KEY, PNG_FONT_KEY

    with read_only_page(page_name, 1280, scheme) as (page, errors):
        page.evaluate(IMAGES_JS)  # every image loaded
        figures = page.evaluate(FIGURES_JS)
    assert not errors, f"{page_name}: console errors {errors}"
    enlarged, unrecorded, small = [], [], []
    for figure in figures:
        where = f"figure {figure['index'] + 1} ({figure['alt'] or figure['src'][:60]})"
        if figure["shown"] > figure["natural"] + 0.5:
            enlarged.append(f"{where}: drawn {figure['natural']} px wide, shown {figure['shown']:.0f} px")
        chunks = _png_text(html_root, page_name, figure["src"])
        if PNG_DPI_KEY not in chunks or PNG_FONT_KEY not in chunks:
            unrecorded.append(where)
            continue
        px = _figure_text_px(chunks, figure["natural"], figure["shown"])
        if px is not None and px < MIN_FIGURE_TEXT_PX:
            small.append(
                f"{where}: {chunks[PNG_FONT_KEY]} pt at {chunks[PNG_DPI_KEY]} dpi, drawn {figure['natural']} px wide and shown "
                f"{figure['shown']:.0f} px: {px:.1f} px"
            )
    assert not enlarged, f"{page_name}: figures shown larger than drawn: {enlarged}"
    assert not unrecorded, (
        f"{page_name}: figures whose PNG does not record its dpi and smallest text (drawn before dae.plots was imported, "
        f"or not by matplotlib's inline backend): {unrecorded}"
    )
    assert not small, (
        f"{page_name}: figure text under {MIN_FIGURE_TEXT_PX} px on a laptop (fonts of 8 pt or more, figures at most 7 in wide): {small}"
    )


def _sample_figures():
    """One figure of each kind dae.plots draws, with the arguments the chapters pass (and wider ones)."""
    import numpy as np
    from conftest import speechlike

    from dae import plots, sound_plots

    rng = np.random.default_rng(0)
    digits = rng.random((12, 28, 28)).astype(np.float32)
    clip = speechlike(1.0, sr=8000)
    sounds = {name: clip for name in ("clean", "noisy (white, 0 dB)", "spectral gating", "speech model", "fine-tuned model")}
    mel = {name: rng.random((64, 40)) for name in ("Noise", "Actual", "Reconstructed (fixed recipe)", "median filter")}
    title = "A title as long as the chapters write them, to see that it wraps instead of widening the figure"
    return {
        "image_grid": lambda: plots.image_grid(digits, labels=list(range(12)), ncols=12, title=title),
        "image_rows": lambda: plots.image_rows(
            {"original": digits, "seed's recipe, scale and layers fixed": digits * 0.9}, clean=digits, title=title
        ),
        "loss_curves": lambda: plots.loss_curves({"a model with a long name": {"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]}}, title=title),
        "autoencoder_diagram": lambda: plots.autoencoder_diagram((784, 512, 256, 32, 256, 512, 784), title=title),
        "code_scatter": lambda: plots.code_scatter(rng.normal(size=(100, 2)), rng.integers(0, 10, 100), title=title),
        "metric_sweep": lambda: plots.metric_sweep([2, 4, 8], {"one": [1, 2, 3], "two": [2, 3, 4]}, "code size", "PSNR (dB)", title),
        "plot_spectrograms": lambda: sound_plots.plot_spectrograms(sounds, 8000, ncols=5, height=2.4, width=3.4),
        "mel_panels": lambda: sound_plots.mel_panels(mel, title, 8000),
    }


FIGURE_KINDS = ["image_grid", "image_rows", "loss_curves", "autoencoder_diagram", "code_scatter", "metric_sweep", "plot_spectrograms", "mel_panels"]


@pytest.mark.parametrize("kind", FIGURE_KINDS)
def test_dae_plots_figures_fit_the_column_with_readable_text(kind):
    """Without a built book: each dae.plots figure, drawn as the inline backend draws it (trimmed to its content),
    is at most about 7 inches wide and its smallest text shows at MIN_FIGURE_TEXT_PX or more in the 688 px column."""
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from dae import figure_text, plots

    fig = _sample_figures()[kind]()
    try:
        smallest = figure_text.smallest_font_pt(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        drawn = Image.open(buffer).size[0]
    finally:
        plt.close(fig)
    assert fig.get_figwidth() <= plots.MAX_WIDTH + 1e-9, f"{kind}: {fig.get_figwidth():.2f} in wide"
    assert drawn <= (plots.MAX_WIDTH + 0.2) * fig.dpi, f"{kind}: drawn {drawn} px wide at {fig.dpi} dpi: some text sticks out"
    assert smallest >= plots.MIN_FONT_PT, f"{kind}: text of {smallest} pt"
    shown = min(drawn, 688)
    assert smallest * fig.dpi / 72 * shown / drawn >= MIN_FIGURE_TEXT_PX


def test_figures_record_their_text_in_a_notebook(tmp_path):
    """In a Jupyter kernel, once dae.plots is imported, every figure's PNG carries its dpi and its smallest text,
    inline figures and dae.plots ones alike, after %matplotlib inline too."""
    import base64
    import io

    import nbformat
    from nbclient import NotebookClient
    from PIL import Image

    from dae.figure_text import PNG_DPI_KEY, PNG_FONT_KEY

    cells = [
        "import matplotlib.pyplot as plt\nimport numpy as np\nimport dae.plots",
        "fig, ax = plt.subplots(figsize=(3, 2)); ax.set_title('small', fontsize=7); ax.plot([1, 2]); plt.show()",
        "dae.plots.image_grid(np.zeros((4, 28, 28)), labels=[1, 2, 3, 4], ncols=4);",
        "%matplotlib inline\nfig, ax = plt.subplots(); ax.plot([1, 2]); ax.axis('off')",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env_root = str(Path(__file__).resolve().parents[1])
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": env_root}}).execute()
    recorded = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                info = Image.open(io.BytesIO(base64.b64decode(output["data"]["image/png"]))).info
                recorded.append((info.get(PNG_DPI_KEY), info.get(PNG_FONT_KEY)))
    assert recorded == [("100", "7"), ("100", "9"), ("100", "none")], recorded


# Figures too wide for a phone open full size; long logs fold (_ext/static/dae-outputs.js).

OUTPUTS_JS = (ROOT / "_ext" / "static" / "dae-outputs.js").read_text()
PAGE_CSS = (ROOT / "_ext" / "static" / "dae-page.css").read_text()


@contextlib.contextmanager
def _article_page(browser, body: str, width: int):
    """``body`` inside the book's article markup, with the book's page script and styles, in a blank offline page."""
    html = (
        f"<!doctype html><html><head><style>{PAGE_CSS} img {{ max-width: 100%; }}</style></head>"
        f'<body><main class="bd-article">{body}</main></body></html>'
    )
    with offline_page(browser, html, {"width": width, "height": 800}) as (page, errors):
        page.add_script_tag(content=OUTPUTS_JS)
        yield page, errors


def _png_uri(width: int, height: int) -> str:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_a_shrunk_figure_opens_full_size_from_the_keyboard(browser):
    """A figure wider than a phone is a link there: Enter opens a dialog with it at its drawn size; Escape closes it
    and gives the focus back. A figure shown at its own size is no link (no tab stop)."""
    wide, narrow = _png_uri(700, 300), _png_uri(200, 100)
    body = (
        f'<div class="cell_output"><img src="{wide}" alt="a wide figure"></div>'
        f'<div class="cell_output"><img src="{narrow}" alt="a narrow figure"></div>'
    )
    with _article_page(browser, body, 390) as (page, errors):
        page.wait_for_function("() => document.querySelectorAll('a.dae-zoom').length === 2")
        links = page.eval_on_selector_all("a.dae-zoom", "as => as.map(a => a.hasAttribute('href'))")
        assert links == [True, False], links
        page.focus("a.dae-zoom[href]")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('dialog.dae-zoom-dialog') && document.querySelector('dialog.dae-zoom-dialog').open")
        shown = page.eval_on_selector("dialog.dae-zoom-dialog img", "i => [i.getBoundingClientRect().width, i.alt]")
        assert shown == [700, "a wide figure"], shown
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.querySelector('dialog.dae-zoom-dialog').open")
        assert page.evaluate("() => document.activeElement.matches('a.dae-zoom')"), "focus did not return to the figure"
        page.set_viewport_size({"width": 1280, "height": 800})
        page.wait_for_function("() => !document.querySelector('a.dae-zoom').hasAttribute('href')")
    assert not errors, errors


def test_a_long_log_shows_its_ends_and_a_button_for_the_rest(browser):
    """A printed log of 30 lines shows its first and last lines and a button; the button shows all, and back."""
    lines = [f"epoch {k:2d}/30: loss 0.{k:04d}" for k in range(1, 31)] + ["3.2 min in all"]
    short = "one\ntwo\nthree"
    body = (
        f'<div class="cell_output"><div class="output stream"><div class="highlight"><pre><span></span>'
        f'<span class="ansi-bold">{lines[0]}\n{lines[1]}</span>\n' + "\n".join(lines[2:]) + "\n</pre></div></div></div>"
        f'<div class="cell_output"><div class="output stream"><div class="highlight"><pre>{short}\n</pre></div></div></div>'
    )
    with _article_page(browser, body, 390) as (page, errors):
        logs = page.query_selector_all("div.output.stream")
        folded = logs[0].inner_text()
        assert lines[0] in folded and lines[3] in folded and lines[-1] in folded and lines[-2] in folded, folded
        assert lines[10] not in folded, folded
        mark = page.eval_on_selector(".dae-log-mark", "m => [getComputedStyle(m, '::before').content, m.offsetHeight > 0]")
        assert "25 more lines" in mark[0] and mark[1], mark
        bold = page.eval_on_selector_all("pre .ansi-bold", "s => s.map(b => b.textContent)")
        assert bold == [lines[0] + "\n", lines[1]], f"the coloured lines lost their colour: {bold}"
        button = logs[0].query_selector("button.dae-log-toggle")
        assert button.get_attribute("aria-expanded") == "false" and "show all 31 lines" in button.inner_text()
        button.focus()
        page.keyboard.press("Enter")
        opened = logs[0].inner_text()
        assert all(line in opened for line in lines)
        assert page.eval_on_selector(".dae-log-mark", "m => m.offsetHeight") == 0, "the fold mark stays when all lines show"
        assert button.get_attribute("aria-expanded") == "true"
        button.click()
        assert lines[10] not in logs[0].inner_text()
        assert logs[1].query_selector("button") is None and logs[1].inner_text().strip() == short
        assert logs[0].evaluate("b => b.querySelector('pre').textContent") == "".join(line + "\n" for line in lines)
    assert not errors, errors


LOGS_JS = """() => [...document.querySelectorAll(".bd-article div.cell_output div.output.stream")].map(box => {
  const pre = box.querySelector("pre"), text = pre.textContent.replace(/\\n$/, "");
  const button = box.querySelector("button.dae-log-toggle");
  return {lines: text ? text.split("\\n").length : 0, shown: pre.innerText.replace(/\\n$/, "").split("\\n").length,
          button: button ? button.getAttribute("aria-expanded") : null, first: text.split("\\n")[0].slice(0, 60)};
})"""
CACHE_KEY = r"\b[a-z][a-z0-9_]*-[0-9a-f]{16}\b"  # dae.cache.model_key
# What the cells print, without dae.source.show's listings (code, whose docstrings may write '->')
PRINTED_JS = """cs => cs.map(c => {
  const copy = c.cloneNode(true);
  copy.querySelectorAll(".dae-source").forEach(listing => listing.remove());
  copy.querySelectorAll("script, style").forEach(code => code.remove());  // a block's own script and data are not printed
  return copy.textContent;
}).join("\\n")"""


@pytest.mark.parametrize("page_name", [p for p in PAGES if _notebook(p)])
def test_printed_output_reads_without_walls_or_working_names(read_only_page, page_name):
    """What a chapter's cells print: no log over 12 lines shows whole (it folds to its ends and a button), no
    model-cache key ('speech-mask-3f2a…') and no ASCII arrow '->' in what is printed or in a figure's description."""
    import re

    with read_only_page(page_name, 1280, "light") as (page, errors):
        logs = page.evaluate(LOGS_JS)
        printed = page.eval_on_selector_all(".bd-article div.cell_output", PRINTED_JS)
        alts = page.eval_on_selector_all(".bd-article div.cell_output img", "is => is.map(i => i.alt)")
    assert not errors, f"{page_name}: console errors {errors}"
    walls = [log for log in logs if log["lines"] > 12 and (log["button"] != "false" or log["shown"] > 8)]
    assert not walls, f"{page_name}: printed logs over 12 lines shown whole: {walls}"
    keys = re.findall(CACHE_KEY, printed)
    assert not keys, f"{page_name}: the page prints model-cache keys {keys}"
    arrows = [line.strip()[:80] for line in (printed + "\n" + "\n".join(alts)).splitlines() if "->" in line]
    assert not arrows, f"{page_name}: '->' where readers should see '→': {arrows}"


SEARCH_JS = """() => [...document.querySelectorAll(".search-button-field, .search-button")].filter(b => {
  const box = b.getBoundingClientRect(); return box.width > 0 && box.height > 0 && getComputedStyle(b).visibility !== "hidden";
}).map(b => b.parentElement.className)"""


@pytest.mark.parametrize("width", WIDTHS)
def test_one_search_box_in_view(browser, server, width):
    with _offline_page(browser, server, NAV_PAGES[1], width, "light") as (page, _):
        boxes = page.evaluate(SEARCH_JS)
    assert len(boxes) == 1, f"at {width} px the page shows {len(boxes)} search boxes: {boxes}"


SLIDER_LAYOUT_JS = """root => {
  const controls = root.querySelector(".dae-slider-controls"), box = controls.getBoundingClientRect();
  const range = root.querySelector("input[type=range]").getBoundingClientRect();
  const on_top = document.elementFromPoint(range.left + range.width / 2, range.top + range.height / 2);
  return {top: box.top, bottom: box.bottom, visible: box.bottom > 0 && box.top < innerHeight,
          onTop: !!on_top && controls.contains(on_top),
          players: [...root.querySelectorAll("audio")].map(a => a.getBoundingClientRect().width)};
}"""


def _shows_static_slider(page: str) -> bool:
    notebook = _notebook(page)
    return notebook is not None and "sliders.static" in notebook.read_text()


@pytest.mark.parametrize("page_name", [p for p in PAGES if _shows_static_slider(p)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_slider_controls_stay_in_view_and_players_are_wide_enough(browser, server, screenshots, page_name, scheme):
    """On a phone each static slider's controls stay at the top of the screen, above the page's header and the
    panels, while its last panel is in view; a sound slider's players are wide enough to use (250 px or more)."""
    stem = page_name.split("/")[-1]
    with _offline_page(browser, server, page_name, 390, scheme) as (page, errors):
        for k, root in enumerate(page.query_selector_all(".dae-slider"), 1):
            panels = root.query_selector_all("figure")
            panels[-1].evaluate('f => f.scrollIntoView({block: "end"})')
            page.wait_for_timeout(100)
            state = root.evaluate(SLIDER_LAYOUT_JS)
            page.screenshot(path=str(screenshots / f"slider-{stem}-{k}-390-{scheme}-scrolled.png"))
            where = f"{page_name} slider {k} ({scheme})"
            if len(panels) > 2:  # a block taller than the screen: its controls must follow
                assert state["visible"] and state["onTop"] and state["top"] >= 0, f"{where}: controls out of view {state}"
            assert all(w >= 250 for w in state["players"]), f"{where}: players squeezed to {state['players']} px"
    assert not errors, f"{page_name}: console errors {errors}"


FIRST_PICTURE_JS = """() => {
  const article = document.querySelector(".bd-article"), top = article.getBoundingClientRect().top + scrollY;
  const seen = [...article.querySelectorAll("div.cell_output img, figure img, audio")].map(e => e.getBoundingClientRect().top + scrollY - top);
  return seen.length ? Math.min(...seen) : null;
}"""


@pytest.mark.parametrize("page_name", [p for p in PAGES if p.endswith("06_cats_and_dogs")])
def test_the_first_picture_or_sound_comes_within_two_screens(read_only_page, screenshots, page_name):
    """Chapter 6 shows a picture or a player before its tables: within the first two screens of a laptop. (On a phone
    the title, the set-up code and two paragraphs alone fill about two screens; the picture follows them.)"""
    width = 1280
    with read_only_page(page_name, width, "light") as (page, _):
        first = page.evaluate(FIRST_PICTURE_JS)
        height = page.viewport_size["height"]
        page.screenshot(path=str(screenshots / f"first-screens-{page_name.split('/')[-1]}-{width}.png"), full_page=False)
    assert first is not None and first < 2 * height, f"{page_name} at {width} px: first picture or sound {first} px down"


@pytest.mark.parametrize("page_name", [p for p in PAGES if _notebook(p)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_figures_too_wide_for_a_phone_open_full_size(browser, server, screenshots, page_name, scheme):
    """At 390 px every figure shown a tenth or more smaller than drawn is a link; clicking the first opens it at its
    drawn size."""
    stem = page_name.split("/")[-1]
    with _offline_page(browser, server, page_name, 390, scheme) as (page, errors):
        page.evaluate(IMAGES_JS)
        figures = page.evaluate(FIGURES_JS)
        shrunk = [f for f in figures if f["natural"] > f["shown"] * 1.1]
        unlinked = [f["alt"] or f["src"][:60] for f in shrunk if not f["link"]]
        assert not unlinked, f"{page_name}: figures shrunk on a phone that do not open full size: {unlinked}"
        if shrunk:
            link = page.query_selector_all(".bd-article a.dae-zoom[href]")[0]
            link.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshots / f"zoom-{stem}-390-{scheme}-page.png"))
            link.click()
            page.wait_for_function("() => { const d = document.querySelector('dialog.dae-zoom-dialog'); return d && d.open; }")
            size = page.eval_on_selector("dialog.dae-zoom-dialog img", "i => [i.naturalWidth, i.getBoundingClientRect().width]")
            page.screenshot(path=str(screenshots / f"zoom-{stem}-390-{scheme}-open.png"))
            assert size[0] == size[1], f"{page_name}: the full-size figure shows {size[1]} px of its {size[0]}"
            page.keyboard.press("Escape")
            page.wait_for_function("() => !document.querySelector('dialog.dae-zoom-dialog').open")
    assert not errors, f"{page_name}: console errors {errors}"


# The denoising lab (dae.lab): the chapters' models run in the page with ONNX Runtime Web. A small page made here
# (two untrained models of the chapters' shapes, a static slider and the lab, the runtime from _build/vendor) is
# served from a temporary folder; the built book's labs are checked against the numbers their chapters embedded.

RUNTIME = ROOT / "_build" / "vendor" / "onnxruntime"
LAB_STATE_JS = """root => ({state: root.dataset.state || "", status: root.querySelector(".dae-lab-status").textContent,
  scores: [...root.querySelectorAll(".dae-lab-score")].map(s => s.textContent),
  pixels: [...root.querySelectorAll("canvas:not(.dae-lab-pad)")].map(c => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; let h = 0;
    for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i]) >>> 0; return h; })})"""
LAB_READY = "root => ['live', 'error', 'off'].includes(root.dataset.state)"


@contextlib.contextmanager
def _lab_page(browser, url: str, base: str | None, viewport=VIEWPORT, javascript: bool = True):
    """``url`` in a fresh context where every request outside ``base`` is refused and recorded: yields
    (page, its first lab block, uncaught errors, requests that left)."""
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    left, errors = [], []

    def route(request_route):
        address = request_route.request.url
        if base and address.startswith(base + "/") or address.startswith("file://") or address.startswith("data:"):
            request_route.continue_()
        else:
            left.append(address)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    try:
        page.goto(url, wait_until="load")
        root = page.query_selector(".dae-lab")
        if javascript:
            page.wait_for_function(f"() => ({LAB_READY})(document.querySelector('.dae-lab'))", timeout=60_000)
        yield page, root, errors, left
    finally:
        context.close()


@pytest.fixture(scope="module")
def lab_site(tmp_path_factory, mnist):
    """A page with a static slider and a lab over two untrained models of the chapters' shapes, as a built book lays
    it out (runtime under _static/onnxruntime, models under _static/dae-lab): (folder, block data, digits, models)."""
    import keras

    from dae import data, lab, metrics, models, noise, sliders, train

    if not (RUNTIME / "ort.wasm.bundle.min.mjs").is_file():
        pytest.fail(f"no ONNX Runtime Web in {RUNTIME}: run `bash scripts/vendor_onnxruntime.sh` (scripts/test.sh runs it)")
    keras.utils.set_random_seed(3)
    digits = data.to_float_images(mnist[1][0][:64])
    _, _, dense = models.dense_autoencoder(code_size=1000, output_activation=None)
    unet = models.unet_denoiser(filters=(16, 32), batch_norm=True)
    chosen = {"dense autoencoder": dense, "U-Net": unet}
    trained_on = {"dense autoencoder": "gauss0.2", "U-Net": "sp0.2"}
    # The chapters' table: each model's mean PSNR over the 20 digits at its training noise, measured here in Python.
    table = {}
    for name, model in chosen.items():
        noisy = noise.add_noise(digits[: lab.DIGITS], trained_on[name], seed=9)
        out = train.predict(model, noisy if name == "dense autoencoder" else noisy[..., None]).reshape(noisy.shape)
        table[name] = float(metrics.psnr(digits[: lab.DIGITS], out).mean())
    folder = tmp_path_factory.mktemp("lab-site")
    block = lab.html(chosen, digits, trained_on=trained_on, table=table, folder=folder / "exported")
    slider = sliders.static_html(digits[:2], {"identity": lambda b: b}, levels=(0.0, 0.3), level=0.3)
    page = lab.write_page(folder, slider + block, folder / "exported", RUNTIME).read_text(encoding="utf-8")
    return folder, _lab_data(page), digits, chosen


def _lab_data(page_html: str) -> list[dict]:
    """The JSON data of every lab block in a page's HTML."""
    import re

    blocks = re.findall(r'<script type="application/json" id="dae-lab-[0-9a-f]+-data">(.*?)</script>', page_html, flags=re.S)
    return [json.loads(text.replace("<\\/", "</")) for text in blocks]


def _check_lab_against_keras(root, data: dict, where: str) -> None:
    """The page's outputs and PSNR on the build's fixed noisy digits equal Keras' within 1e-4 and 0.01 dB."""
    import base64

    import numpy as np

    got = root.evaluate("r => r.daeLab.check()")
    assert len(got) == len(data["models"]), f"{where}: {len(got)} models ran, {len(data['models'])} expected"
    for model, runs in zip(data["models"], got):
        keras_out = np.frombuffer(base64.b64decode(data["check"]["keras"][model["name"]]), dtype="<f4").reshape(len(runs), -1)
        for j, run in enumerate(runs):
            difference = float(np.abs(np.asarray(run["output"]) - keras_out[j]).max())
            assert difference <= 1e-4, f"{where}: {model['name']} on checked digit {j} differs from Keras by {difference:.2e}"
            assert abs(run["psnr"] - model["check_psnr"][j]) <= 0.01, f"{where}: {model['name']} PSNR {run['psnr']} vs {model['check_psnr'][j]}"


def _check_lab_table(root, where: str) -> list[dict]:
    """At each model's training noise, the page's mean PSNR over the 20 digits lies within 1 dB of the chapter's table."""
    rows = root.evaluate("r => r.daeLab.tableCheck()")
    for row in rows:
        assert row["table"] is not None, f"{where}: the lab carries no table PSNR for {row['name']}"
        assert abs(row["page"] - row["table"]) <= 1.0, (
            f"{where}: {row['name']} at {row['noise']}: page {row['page']:.2f} dB, table {row['table']:.2f} dB"
        )
    return rows


def _lab_update_ms(root, updates: int = 50) -> float:
    """Median milliseconds of ``updates`` lab updates (noise, every model, PSNR and SSIM, drawing)."""
    return root.evaluate(
        """async (r, n) => { const t = [];
          for (let i = 0; i < n; i++) { const s = performance.now(); await r.daeLab.update(); t.push(performance.now() - s); }
          t.sort((a, b) => a - b); return t[Math.floor(n / 2)]; }""",
        updates,
    )


@pytest.fixture(scope="module")
def lab_live(browser, lab_site):
    """The lab page served and started once for the tests below: (page, lab block, uncaught errors, requests that left)."""
    folder = lab_site[0]
    with served(folder) as base, _lab_page(browser, f"{base}/index.html", base) as opened:
        yield opened


def test_lab_runs_the_models_as_keras_does_and_fast(lab_site, lab_live):
    _, (data,), _, _ = lab_site
    page, root, errors, left = lab_live
    state = root.evaluate(LAB_STATE_JS)
    assert state["state"] == "live", f"the lab did not start: {state['status']}"
    _check_lab_against_keras(root, data, "lab page")
    _check_lab_table(root, "lab page")
    median = _lab_update_ms(root)
    print(f"lab update: median {median:.1f} ms over 50 updates ({len(data['models'])} models, headless Chromium)")
    assert median <= 100, f"a lab update takes {median:.1f} ms (median of 50); at most 100 ms allowed"
    assert not errors and not left, (errors, left)


def test_lab_noise_and_measures_follow_dae(lab_site, lab_live):
    """The page's Gaussian draws have mean 0 and deviation 1 (10,000 draws, within 1 %); each noise keeps [0, 1] and
    its definition; the page's PSNR and SSIM of fixed image pairs equal dae.metrics' within 1e-3."""
    import numpy as np

    from dae import metrics

    digits = lab_site[2]
    page, root, errors, left = lab_live
    rng = np.random.RandomState(5)
    clean = digits[:4].reshape(4, -1)
    pairs = [
        (clean[0], np.clip(clean[0] + 0.2 * rng.randn(784), 0, 1)),
        (clean[1], rng.rand(784)),
        (clean[2], clean[3]),
        (clean[0], np.clip(clean[0] * 0.7 + 0.1, 0, 1)),
    ]
    draws = np.asarray(root.evaluate("r => r.daeLab.normals(10000, 7)"))
    zeros = [0.0] * 10000
    shifted = np.asarray(root.evaluate("(r, z) => r.daeLab.noise('shifted', z, 0.5, 8)", zeros))
    sp = np.asarray(root.evaluate("(r, z) => r.daeLab.noise('sp', z.map(() => 0.5), 0.2, 9)", zeros))
    scores = root.evaluate("(r, ps) => ps.map(([a, b]) => [r.daeLab.psnr(a, b), r.daeLab.ssim(a, b)])", [[a.tolist(), b.tolist()] for a, b in pairs])
    assert abs(draws.mean()) <= 0.01 and abs(draws.std() - 1) <= 0.01, (draws.mean(), draws.std())
    # N(0.5, 0.5) added to black pixels and clipped: 0 wherever the draw is negative, P = Phi(-1) = 0.1587
    assert shifted.min() >= 0 and shifted.max() <= 1 and abs(np.mean(shifted == 0) - 0.1587) < 0.02, np.mean(shifted == 0)
    assert set(np.unique(sp)) <= {0.0, 0.5, 1.0} and abs(np.mean(sp != 0.5) - 0.2) < 0.02, np.mean(sp != 0.5)
    for (a, b), (page_psnr, page_ssim) in zip(pairs, scores):
        a2, b2 = a.reshape(1, 28, 28), b.reshape(1, 28, 28)
        assert abs(page_psnr - metrics.psnr(a2, b2)[0]) <= 1e-3 and abs(page_ssim - metrics.ssim(a2, b2)[0]) <= 1e-3, (page_psnr, page_ssim)
    assert not errors and not left, (errors, left)


def test_lab_answers_drawing_slider_and_keyboard_on_a_phone(lab_live, tmp_path):
    """On a phone-sized page: a stroke drawn with a finger changes every model's output, the level slider (from the
    keyboard) changes the noisy image and its PSNR, every control is focusable and labelled, nothing overflows."""
    page, root, errors, left = lab_live
    page.set_viewport_size({"width": 390, "height": 800})
    assert root.evaluate("r => r.dataset.state") == "live"
    start = root.evaluate(LAB_STATE_JS)
    updates = int(root.get_attribute("data-updates"))
    level = root.query_selector("input[type=range]")
    level.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("n => Number(document.querySelector('.dae-lab').dataset.updates) > n", arg=updates)
    moved = root.evaluate(LAB_STATE_JS)
    pad = root.query_selector("canvas.dae-lab-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(box["x"] + box["width"] * (0.5 - 0.01 * k), box["y"] + box["height"] * (0.15 + 0.07 * k))
    page.mouse.up()
    page.wait_for_timeout(300)
    drawn = root.evaluate(LAB_STATE_JS)
    chosen = root.evaluate("r => r.querySelector('select').value")
    controls = root.evaluate("""r => [...r.querySelectorAll('select, input, button')].map(c => ({
      label: (c.labels && c.labels.length ? c.labels[0].textContent : c.textContent || c.getAttribute('aria-label') || '').trim(),
      focusable: c.tabIndex >= 0 && !c.disabled}))""")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    shots = Path(os.environ.get("DAE_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "lab-390.png"), full_page=True)
    assert moved["pixels"][1] != start["pixels"][1] and moved["scores"][1] != start["scores"][1], "the slider did not change the noisy image"
    assert chosen == "drawn", f"a drawing should become the lab's digit, got {chosen!r}"
    models_after, models_before = drawn["pixels"][2:], moved["pixels"][2:]
    assert models_after and all(a != b for a, b in zip(models_after, models_before)), "a stroke did not change every model's output"
    assert all(c["label"] and c["focusable"] for c in controls), controls
    assert overflow <= 1, f"the lab overflows a 390 px phone by {overflow} px"
    assert not errors and not left, (errors, left)


def test_lab_says_why_it_is_off_and_never_breaks_the_page(browser, lab_site, tmp_path):
    """From file:// and with JavaScript off, one line says why the lab is off and the static slider still shows its
    frames; with a model file missing, the lab shows its message and the page throws nothing."""
    import shutil

    folder, *_ = lab_site
    with _lab_page(browser, (folder / "index.html").as_uri(), None) as (page, root, errors, _):
        from_file = root.evaluate(LAB_STATE_JS)
        slider_frames = page.eval_on_selector_all(".dae-slider img", "is => is.filter(i => i.complete && i.naturalWidth > 0).length")
    assert from_file["state"] == "off" and "\n" not in from_file["status"].strip() and "file" in from_file["status"], from_file
    assert slider_frames >= 2 and not errors, (slider_frames, errors)
    with served(folder) as base, _lab_page(browser, f"{base}/index.html", base, javascript=False) as (page, root, _, left):
        status = page.inner_text(".dae-lab-status")
        hidden = root.evaluate("r => r.querySelector('.dae-lab-controls').hidden")
    assert "JavaScript" in status and hidden and not left, status
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    next((broken / "_static" / "dae-lab").glob("*.onnx")).unlink()
    with served(broken) as base, _lab_page(browser, f"{base}/index.html", base) as (page, root, errors, left):
        state = root.evaluate(LAB_STATE_JS)
    assert state["state"] == "error" and "could not be loaded" in state["status"], state
    assert not errors and not left, (errors, left)


def _shows_lab(page: str) -> bool:
    notebook = _notebook(page)
    return notebook is not None and "lab.show(" in notebook.read_text()


@pytest.mark.parametrize("page_name", [p for p in PAGES if _shows_lab(p)])
def test_built_labs_run_the_chapters_models(browser, server, html_root, page_name):
    """Each lab of the built book: outputs equal Keras' on the embedded noisy digits, mean PSNR within 1 dB of the
    chapter's table at the training noise, an update within 100 ms, and no request outside the book."""
    data = _lab_data((html_root / f"{page_name}.html").read_text(encoding="utf-8"))
    assert data, f"{page_name} calls dae.lab.show but its page holds no lab"
    with _lab_page(browser, f"{server}/{page_name}.html", server) as (page, root, errors, left):
        state = root.evaluate(LAB_STATE_JS)
        assert state["state"] == "live", f"{page_name}: the lab did not start: {state['status']}"
        _check_lab_against_keras(root, data[0], page_name)
        rows = _check_lab_table(root, page_name)
        median = _lab_update_ms(root)
    print(f"{page_name}: lab update median {median:.1f} ms; " + "; ".join(f"{r['name']}: {r['page']:.2f} dB (table {r['table']:.2f})" for r in rows))
    assert median <= 100, f"{page_name}: a lab update takes {median:.1f} ms (median of 50)"
    assert not errors and not left, (errors, left)


def test_lab_runtime_and_models_fit_their_budget(html_root):
    """ONNX Runtime Web (counted once) and every lab model of the built book: 16 MB at most together."""
    files = [p for folder in ("_static/onnxruntime", "_static/dae-lab") for p in (html_root / folder).rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"lab runtime and models: {size / 1e6:.1f} MB in {len(files)} files")
    assert size <= 16e6, f"the labs' runtime and models take {size / 1e6:.1f} MB: " + ", ".join(
        f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in files
    )
