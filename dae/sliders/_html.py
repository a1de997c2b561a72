"""The shared static block: its id, its markup around a slider's controls and panels, data URIs, and its static files.

Every static slider (``images.static_html``, ``sounds.static_audio_html``) is one ``<div class="dae-slider">`` holding
its styles, controls, panels, a note, its frames as JSON and a script, all inline, so a page needs no kernel,
server or network. The styles and scripts are plain files under ``static/`` (package data), read once:

- ``*.css`` scope every rule to the block's id; ``$uid`` and the sizes (``${figure_width}`` and the like) are
  filled in by ``styles``, with ``string.Template`` so the files keep CSS's own braces;
- ``*.js`` are each one function expression, ``(function (uid) {...})``, that ``block`` calls with the block's id:
  nothing is formatted into the JavaScript.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import itertools
import json
from importlib.resources import files
from string import Template

# Every file under static/ the sliders read; ``static_text`` refuses any other name.
STATIC_FILES = ("block.css", "image.css", "image.js", "audio.css", "audio.js")

_block_numbers = itertools.count(1)


@functools.cache
def static_text(name: str) -> str:
    """The text of one file under ``dae/sliders/static/`` (read once, then cached)."""
    if name not in STATIC_FILES:
        raise ValueError(f"no static slider file {name!r}; the files are {list(STATIC_FILES)}")
    return (files("dae.sliders") / "static" / name).read_text(encoding="utf-8")


def styles(uid: str, *names: str, **sizes) -> str:
    """The style files ``names`` with ``$uid`` and each ``${size}`` filled in, one after the other."""
    return "".join(Template(static_text(name)).substitute(uid=uid, **sizes) for name in names)


def data_uri(mime: str, data: bytes) -> str:
    """Bytes of one file -> a 'data:<mime>;base64,...' URI that a page shows without fetching anything."""
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def block_uid(text: str) -> str:
    """An id for one static block, unique on a page even when two blocks hold the same frames."""
    return f"dae-slider-{hashlib.sha1(text.encode()).hexdigest()[:8]}-{next(_block_numbers)}"


def block(uid: str, aria_label: str, css: str, controls: str, panels: list[str], caption: str, text: str, script: str, kind: str) -> str:
    """Assemble one static block: styles, controls, panels, a note, the frames as JSON and the script that reads them.

    ``text`` is the JSON of the frames; it sits in a ``<script type="application/json">`` that the block's own
    script parses (``{uid}-data``), with ``</`` escaped so no frame can close the script early. ``script`` names
    the static file (``image.js``, ``audio.js``) whose function the block calls with its id.
    """
    return (
        f'<div class="dae-slider" id="{uid}" data-kind="{kind}" role="group" aria-label="{html.escape(aria_label)}">'
        f"<style>{css}</style>"
        f'<div class="dae-slider-controls">{controls}</div>'
        f'<div class="dae-slider-panels">{"".join(panels)}</div>'
        f'<p class="dae-slider-note">{html.escape(caption)}</p>'
        f'<script type="application/json" id="{uid}-data">{text.replace("</", "<" + chr(92) + "/")}</script>'
        f"<script>{static_text(script).rstrip()}({json.dumps(uid)});</script>"
        f"</div>"
    )


def range_control(uid: str, name: str, label: str, count: int, start: int, value: str) -> str:
    """A labelled range input over ``count`` grid positions (``{uid}-{name}``) with its value shown beside it."""
    return (
        f'<label>{label} <input type="range" id="{uid}-{name}" min="0" max="{count - 1}" step="1" value="{start}" '
        f'aria-valuetext="{value}"> <output id="{uid}-{name}-text" for="{uid}-{name}">{value}</output></label>'
    )
