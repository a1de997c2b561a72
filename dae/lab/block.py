"""The lab block: one ``<div class="dae-lab">`` holding its styles, controls, panels, its data as JSON and its script.

:func:`html` exports each model (:func:`dae.export.export`, checked against Keras), and writes the block that
runs them in the page: the digits as 8-bit pixels, each model's ONNX file name and input shape, the noises the
reader may choose, and, for the browser test, three digits with noise fixed here, Keras' outputs on them and the
chapter's table PSNR of each model. The page's script (``static/lab.js``) and styles (``static/lab.css``) are
package data; until the script starts, the block shows one line saying why the live lab is off.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_text
import json
from collections.abc import Mapping
from importlib.resources import files
from string import Template

import numpy as np

from .. import export, metrics, noise, train
from .._checks import check_images

STATIC_FILES = ("lab.js", "lab.css")
RUNTIME_FOLDER = "_static/onnxruntime/"  # where _config.yml's html_static_path serves scripts/vendor_onnxruntime.sh's copy
MODELS_FOLDER = "_static/dae-lab/"  # where _ext/offline_html.py copies the models a page names
DIGITS = 20  # test digits the reader can pick
CHECKED = 3  # test digits whose page outputs the browser test compares with Keras'
# The noises a reader can choose: (kind in lab.js, label, dae.noise setting it reproduces at its default level).
NOISES = {
    "gauss0.2": ("gaussian", "Gaussian, σ = level", 0.2),
    "gauss_shift0.5": ("shifted", "shifted Gaussian, mean = σ = level", 0.5),
    "sp0.2": ("sp", "salt and pepper, amount = level", 0.2),
}
OFF_TEXT = "The live lab needs JavaScript; the slider above shows frames computed when the book was built."


def static_text(name: str) -> str:
    """The text of one file under ``dae/lab/static/``."""
    if name not in STATIC_FILES:
        raise ValueError(f"no lab file {name!r}; the files are {list(STATIC_FILES)}")
    return (files("dae.lab") / "static" / name).read_text(encoding="utf-8")


def _b64(array, dtype) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def _settings(models: Mapping, trained_on) -> dict[str, str]:
    chosen = {name: trained_on for name in models} if isinstance(trained_on, str) else dict(trained_on)
    for name in models:
        if chosen.get(name) not in NOISES:
            raise ValueError(f"trained_on must give each model one of {list(NOISES)}; model {name!r} has {chosen.get(name)!r}")
    return chosen


def _as_images(digits) -> np.ndarray:
    images = check_images(digits, "digits")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"digits must be MNIST test digits (N, 28, 28) or (N, 28, 28, 1), got shape {np.shape(digits)}")
    if len(images) < export.CHECK_DIGITS:
        raise ValueError(f"digits must hold at least {export.CHECK_DIGITS} test digits (the export check uses 64), got {len(images)}")
    eight_bit = np.round(images[:DIGITS] * 255)
    if np.abs(eight_bit / 255 - images[:DIGITS]).max() > 1e-6:
        raise ValueError("digits must be MNIST's 8-bit grey levels divided by 255 (dae.data.to_float_images)")
    return images.astype(np.float32)


def html(
    models: Mapping, digits, trained_on="gauss0.2", table: Mapping[str, float] | None = None, seed: int = 0, size: int = 112, folder=None
) -> str:
    """The lab block for ``models`` ({shown name: Keras model taking 28 x 28 digits}) -> HTML text.

    ``digits``: test digits (N >= 64, 28 x 28, in [0, 1]); the first 20 are offered, the first 64 check each export.
    ``trained_on``: the noise setting each model was trained on ('gauss0.2', 'gauss_shift0.5', 'sp0.2'; one for all,
    or {name: setting}); the lab starts at the first model's. ``table``: {name: the chapter's mean test PSNR in dB at
    that setting}, which the browser test holds the page to. ``folder``: where the ONNX files go (default
    :func:`dae.export.onnx_dir`, which the book's build copies from).
    """
    if not models:
        raise ValueError("models is empty; give at least one {name: Keras model}")
    images = _as_images(digits)
    settings = _settings(models, trained_on)
    table = dict(table or {})
    unknown = sorted(set(table) - set(models))
    if unknown:
        raise ValueError(f"table names models that are not in models: {unknown}")
    entries, checked_noisy, checked_keras = [], {}, {}
    for setting in dict.fromkeys(settings.values()):
        checked_noisy[setting] = noise.add_noise(images[:CHECKED], setting, seed=seed)
    for k, (name, model) in enumerate(models.items()):
        # The file's name: the shown name in plain lower-case letters and digits ('U-Net (σ = 0.2)' gives 'u-net-0-2').
        key_name = "-".join("".join(c if c.isascii() and c.isalnum() else " " for c in name.lower()).split())[:40] or f"model-{k}"
        done = export.export(model, key_name, images, folder=folder)
        kind, _, level = NOISES[settings[name]]
        noisy = checked_noisy[settings[name]]
        outputs = train.predict(model, noisy.reshape((CHECKED, *done.input_shape))).reshape(CHECKED, 28, 28)
        checked_keras[name] = outputs
        entries.append(
            {
                "name": name,
                "file": done.file_name,
                "input_shape": list(done.input_shape),
                "setting": settings[name],
                "kind": kind,
                "level": level,
                "table_psnr": table.get(name),
                "check_psnr": [float(v) for v in metrics.psnr(images[:CHECKED], outputs)],
                "export_seconds": round(done.seconds, 2),
                "export_difference": done.max_difference,
            }
        )
    first = NOISES[settings[next(iter(models))]]
    payload = {
        "count": DIGITS,
        "digits": _b64(np.round(images[:DIGITS] * 255), np.uint8),
        "seed": int(seed),
        "runtime": RUNTIME_FOLDER,
        "folder": MODELS_FOLDER,
        "models": entries,
        "noises": [{"kind": kind, "label": label, "level": level, "setting": s} for s, (kind, label, level) in NOISES.items()],
        "check": {
            "digits": list(range(CHECKED)),
            "noisy": {s: _b64(x, "<f4") for s, x in checked_noisy.items()},
            "keras": {name: _b64(x, "<f4") for name, x in checked_keras.items()},
        },
    }
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    uid = "dae-lab-" + hashlib.sha1(text.encode()).hexdigest()[:10]
    esc = html_text.escape
    start = list(NOISES).index(settings[next(iter(models))])
    digit_options = "".join(f'<option value="{i}">test digit {i + 1}</option>' for i in range(DIGITS))
    digit_options += f'<option value="drawn" id="{uid}-drawn-option" disabled>your drawing</option>'
    noise_options = "".join(
        f'<option value="{i}"{" selected" if i == start else ""}>{esc(label)}</option>' for i, (_, label, _) in enumerate(NOISES.values())
    )
    controls = (
        f'<label>digit <select id="{uid}-digit">{digit_options}</select></label>'
        f'<label>noise <select id="{uid}-noise">{noise_options}</select></label>'
        f'<label>level <input type="range" id="{uid}-level" min="0" max="1" step="0.01" value="{first[2]}"> '
        f'<output id="{uid}-level-text" for="{uid}-level">{first[2]:.2f}</output></label>'
        f'<button type="button" id="{uid}-reseed">new noise</button>'
        f'<button type="button" id="{uid}-clear">clear drawing</button>'
    )

    def panel(key: str, caption: str, score: str) -> str:
        return (
            f'<figure><canvas id="{uid}-canvas-{key}" width="28" height="28" role="img" aria-label="{esc(caption)}"></canvas>'
            f'<figcaption><b>{esc(caption)}</b><br><span class="dae-lab-score" id="{uid}-score-{key}" aria-live="polite">{score}</span>'
            f"</figcaption></figure>"
        )

    panels = [
        f'<figure><canvas class="dae-lab-pad" id="{uid}-pad" width="280" height="280" aria-label="drawing area: draw a digit '
        f'with the mouse, a pen or a finger"></canvas><figcaption><b>draw a digit here</b></figcaption></figure>',
        panel("clean", "clean", "target"),
        panel("0", "noisy", ""),
        *[panel(str(i + 1), name, "") for i, name in enumerate(models)],
    ]
    css = Template(static_text("lab.css")).substitute(uid=uid, size=size, figure_width=size + 36)
    return (
        f'<div class="dae-lab" id="{uid}" role="group" aria-label="denoising lab">'
        f"<style>{css}</style>"
        f'<p class="dae-lab-status" id="{uid}-status" role="status">{esc(OFF_TEXT)}</p>'
        f'<div class="dae-lab-controls" id="{uid}-controls" hidden>{controls}</div>'
        f'<div class="dae-lab-panels" id="{uid}-panels" hidden>{"".join(panels)}</div>'
        f'<script type="application/json" id="{uid}-data">{text.replace("</", "<" + chr(92) + "/")}</script>'
        f"<script>{static_text('lab.js').rstrip()}({json.dumps(uid)});</script>"
        f"</div>"
    )


def show(models: Mapping, digits, **options):
    """:func:`html` wrapped for display in a notebook: the models run in the reader's browser in the built book."""
    from IPython.display import HTML

    return HTML(html(models, digits, **options))
