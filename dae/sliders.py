"""Noise sliders: move the noise type and level, watch each denoiser's output and its PSNR; or move the
SNR of a sound, listen to each denoiser's output and read its SI-SDR.

``frame`` computes what one image slider position shows; ``draw_frame`` draws it; ``live`` wires both to
``ipywidgets`` controls for Jupyter and Colab. ``static`` calls the same ``frame`` over a grid of
levels ahead of time and packs the results into one self-contained HTML block (PNG data URIs, a range
slider and plain JavaScript, no server), so the built book, where no Python runs, shows the same frames.
``audio_frame``, ``live_audio`` and ``static_audio`` do the same for sound: players and spectrograms of
the noisy input and each denoiser's output at a grid of SNRs, the static block holding WAV data URIs.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np

from . import audio, audio_metrics, metrics, noise

# Noise families a slider offers; each maps (images, level, seed) -> noisy images in [0, 1].
NOISES: dict[str, Callable] = {
    "Gaussian, sigma = level": lambda x, level, seed: noise.gaussian(x, sigma=level, seed=seed),
    "shifted Gaussian, N(level, level)": lambda x, level, seed: noise.shifted_gaussian(x, loc=level, scale=level, seed=seed),
    "salt and pepper, amount = level": lambda x, level, seed: noise.salt_and_pepper(x, amount=level, seed=seed),
}


# The static slider's default grid of noise levels: 0 to 0.6 in steps of 0.05.
STATIC_LEVELS = tuple(round(0.05 * i, 2) for i in range(13))
_block_numbers = itertools.count(1)


def psnr_text(score: float) -> str:
    """How both sliders label a PSNR in dB: 'PSNR 16.7 dB', or 'PSNR inf' for a perfect copy."""
    return "PSNR inf" if not np.isfinite(score) else f"PSNR {score:.1f} dB"


def frame(clean, denoisers: Mapping[str, Callable], noise_name: str, level: float, seed: int = 0) -> dict:
    """One slider position: clean (H, W) in [0, 1] -> {'noisy': (image, psnr), name: (image, psnr), ...}.

    Each denoiser maps a batch (N, H, W) to a batch (N, H, W) in [0, 1].
    """
    if noise_name not in NOISES:
        raise ValueError(f"noise_name must be one of {list(NOISES)}, got {noise_name!r}")
    if not 0.0 <= level <= 1.0:
        raise ValueError(f"level must lie in [0, 1], got {level!r}")
    clean = noise.check_images(clean, "clean")
    if clean.ndim != 2:
        raise ValueError(f"clean must be one grey image (H, W), got shape {clean.shape}")
    batch = clean[None].astype(np.float32)
    noisy = NOISES[noise_name](batch, level, seed)
    shown = {"noisy": noisy}
    for name, denoise in denoisers.items():
        out = np.asarray(denoise(noisy), dtype=np.float32).reshape(batch.shape)
        shown[name] = np.clip(out, 0.0, 1.0)
    return {name: (images[0], float(metrics.psnr(batch, images)[0])) for name, images in shown.items()}


def draw_frame(clean, shown: Mapping[str, tuple], title: str | None = None, size: float = 1.8):
    """Draw the clean image beside each (image, psnr) of a ``frame``; returns the Figure."""
    panels = [("clean", clean, None), *[(name, image, score) for name, (image, score) in shown.items()]]
    fig, axes = plt.subplots(1, len(panels), figsize=(size * len(panels), size + 0.6))
    for ax, (name, image, score) in zip(np.atleast_1d(axes), panels):
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
        ax.set_title(name, fontsize=10)
        if score is not None:
            ax.set_xlabel(psnr_text(score), fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def live(clean_images, denoisers: Mapping[str, Callable], level: float = 0.2, max_level: float = 0.6, seed: int = 0):
    """Show ipywidgets controls (noise type, level, digit) that redraw ``draw_frame`` as they move."""
    import ipywidgets as widgets
    from IPython.display import display

    clean_images = _as_batch(clean_images)
    noise_box = widgets.Dropdown(options=list(NOISES), description="noise")
    level_box = widgets.FloatSlider(value=level, min=0.0, max=max_level, step=0.02, description="level", continuous_update=False)
    index_box = widgets.IntSlider(value=0, min=0, max=len(clean_images) - 1, description="digit", continuous_update=False)

    def redraw(noise_name, level, index):
        shown = frame(clean_images[index], denoisers, noise_name, level, seed=seed)
        draw_frame(clean_images[index], shown)
        plt.show()

    out = widgets.interactive_output(redraw, {"noise_name": noise_box, "level": level_box, "index": index_box})
    display(widgets.VBox([widgets.HBox([noise_box, level_box, index_box]), out]))


def _as_batch(clean_images, name: str = "clean_images") -> np.ndarray:
    """A batch (N, H, W) or (N, H, W, 1) of grey images in [0, 1] -> (N, H, W)."""
    images = noise.check_images(clean_images, name)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"{name} must be a batch (N, H, W), got shape {images.shape}")
    return images


def png_data_uri(image) -> str:
    """One grey image (H, W) in [0, 1] -> a 'data:image/png;base64,...' URI of its 8-bit PNG."""
    from PIL import Image

    pixels = np.round(np.clip(np.asarray(image, dtype=np.float64), 0.0, 1.0) * 255).astype(np.uint8)
    if pixels.ndim != 2:
        raise ValueError(f"image must be one grey image (H, W), got shape {pixels.shape}")
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", optimize=True)
    return _data_uri("image/png", buffer.getvalue())


def _data_uri(mime: str, data: bytes) -> str:
    """Bytes of one file -> a 'data:<mime>;base64,...' URI that a page shows without fetching anything."""
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def static_frames(clean_images, denoisers: Mapping[str, Callable], levels=STATIC_LEVELS, noise_names=None, seed: int = 0) -> dict:
    """Every position of a static slider, computed with ``frame``.

    clean_images (N, H, W) in [0, 1] -> {'noises': [...], 'levels': [...], 'names': ['noisy', *denoisers],
    'clean': [N images], 'frames': frames[digit][noise][level] = [(image, psnr) per name]}.
    """
    images = _as_batch(clean_images)
    noise_names = list(NOISES) if noise_names is None else list(noise_names)
    if not noise_names:
        raise ValueError("noise_names is empty; give at least one of " + repr(list(NOISES)))
    for name in noise_names:
        if name not in NOISES:
            raise ValueError(f"noise_names must be taken from {list(NOISES)}, got {name!r}")
    levels = [float(level) for level in levels]
    if not levels:
        raise ValueError("levels is empty; give at least two noise levels in [0, 1]")
    if any(b <= a for a, b in zip(levels, levels[1:])):
        raise ValueError(f"levels must increase strictly, got {levels}")
    names = ["noisy", *denoisers]
    frames = []
    for clean in images:
        per_noise = []
        for noise_name in noise_names:
            per_level = []
            for level in levels:
                shown = frame(clean, denoisers, noise_name, level, seed=seed)
                per_level.append([shown[name] for name in names])
            per_noise.append(per_level)
        frames.append(per_noise)
    return {"noises": noise_names, "levels": levels, "names": names, "clean": list(images), "frames": frames}


# CSS every static block shares: controls above, captioned figures in a wrapping row, a note below.
_BLOCK_CSS = """
#{uid} {{ margin: 0.5em 0 1em; color: inherit; }}
#{uid} .dae-slider-controls {{ display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; align-items: center; margin-bottom: 0.6em; }}
#{uid} label {{ display: inline-flex; align-items: center; gap: 0.4em; margin: 0; }}
#{uid} select {{ color: inherit; background: transparent; border: 1px solid currentColor; border-radius: 4px; padding: 0.1em 0.3em; }}
#{uid} select option {{ color: #000; background: #fff; }}
#{uid} input[type=range] {{ width: 14em; max-width: 60vw; accent-color: #2f7fd0; }}
#{uid} output {{ font-variant-numeric: tabular-nums; min-width: 2.6em; }}
#{uid} .dae-slider-panels {{ display: flex; flex-wrap: wrap; gap: 0.8em; }}
#{uid} figure {{ margin: 0; text-align: center; width: {width}px; }}
#{uid} figcaption {{ color: inherit; font-family: inherit; font-size: 0.85em; line-height: 1.3; margin-top: 0.25em; }}
#{uid} .dae-slider-psnr {{ font-variant-numeric: tabular-nums; }}
#{uid} .dae-slider-note {{ font-size: 0.85em; margin: 0.5em 0 0; opacity: 0.85; }}
"""

# The image slider's pictures: square, pixels kept sharp when enlarged.
_IMAGE_CSS = """
#{uid} img {{ width: {size}px; height: {size}px; image-rendering: pixelated; image-rendering: crisp-edges; display: block;
  margin: 0 auto; padding: 0; border-radius: 0; border: 1px solid rgba(128, 128, 128, 0.6); background: #000; }}
"""


def _block_uid(text: str) -> str:
    """An id for one static block, unique on a page even when two blocks hold the same frames."""
    return f"dae-slider-{hashlib.sha1(text.encode()).hexdigest()[:8]}-{next(_block_numbers)}"


def _block(uid: str, aria_label: str, css: str, controls: str, panels: list[str], caption: str, text: str, js: str, kind: str) -> str:
    """Assemble one static block: styles, controls, panels, a note, the frames as JSON and the script that reads them.

    ``text`` is the JSON of the frames; it sits in a ``<script type="application/json">`` that the block's own
    script parses (``{uid}-data``), with ``</`` escaped so no frame can close the script early.
    """
    return (
        f'<div class="dae-slider" id="{uid}" data-kind="{kind}" role="group" aria-label="{html.escape(aria_label)}">'
        f"<style>{css}</style>"
        f'<div class="dae-slider-controls">{controls}</div>'
        f'<div class="dae-slider-panels">{"".join(panels)}</div>'
        f'<p class="dae-slider-note">{html.escape(caption)}</p>'
        f'<script type="application/json" id="{uid}-data">{text.replace("</", "<" + chr(92) + "/")}</script>'
        f"<script>{js}</script>"
        f"</div>"
    )


def _range_control(uid: str, name: str, label: str, count: int, start: int, value: str) -> str:
    """A labelled range input over ``count`` grid positions (``{uid}-{name}``) with its value shown beside it."""
    return (
        f'<label>{label} <input type="range" id="{uid}-{name}" min="0" max="{count - 1}" step="1" value="{start}" '
        f'aria-valuetext="{value}"> <output id="{uid}-{name}-text" for="{uid}-{name}">{value}</output></label>'
    )


_STATIC_JS = """
(function () {{
  var root = document.getElementById("{uid}");
  var data = JSON.parse(document.getElementById("{uid}-data").textContent);
  var noise = document.getElementById("{uid}-noise");
  var digit = document.getElementById("{uid}-digit");
  var level = document.getElementById("{uid}-level");
  var levelText = document.getElementById("{uid}-level-text");
  function show() {{
    var n = Number(noise.value), d = Number(digit.value), l = Number(level.value);
    var value = data.levels[l].toFixed(2);
    levelText.textContent = value;
    level.setAttribute("aria-valuetext", value);
    var clean = document.getElementById("{uid}-img-clean");
    clean.src = data.clean[d];
    clean.alt = "clean test digit " + (d + 1);
    data.names.forEach(function (name, i) {{
      var panel = data.frames[d][n][l][i];
      var img = document.getElementById("{uid}-img-" + i);
      img.src = panel[0];
      img.alt = name + " image of test digit " + (d + 1) + ", " + data.noises[n] + " at level " + value + ": " + panel[1];
      document.getElementById("{uid}-psnr-" + i).textContent = panel[1];
    }});
  }}
  noise.addEventListener("change", show);
  digit.addEventListener("change", show);
  level.addEventListener("input", show);
  level.addEventListener("change", show);
  root.setAttribute("data-ready", "true");
}})();
"""


def static_html(
    clean_images,
    denoisers: Mapping[str, Callable],
    levels=STATIC_LEVELS,
    level: float = 0.2,
    noise_names=None,
    seed: int = 0,
    size: int = 112,
    caption: str | None = None,
) -> str:
    """A self-contained HTML block (range slider, plain JavaScript, PNG data URIs) over ``static_frames``.

    Nothing is loaded from anywhere: the page needs no kernel, server or network. ``level`` picks the
    starting position (the nearest grid level); ``size`` is each panel's width in CSS pixels.
    """
    data = static_frames(clean_images, denoisers, levels=levels, noise_names=noise_names, seed=seed)
    levels = data["levels"]
    start = int(np.argmin([abs(value - level) for value in levels]))
    payload = {
        "noises": data["noises"],
        "levels": levels,
        "names": data["names"],
        "clean": [png_data_uri(image) for image in data["clean"]],
        "frames": [
            [[[[png_data_uri(image), psnr_text(score)] for image, score in panels] for panels in per_level] for per_level in per_noise]
            for per_noise in data["frames"]
        ],
    }
    text = json.dumps(payload, separators=(",", ":"))
    uid = _block_uid(text)
    esc = html.escape
    first = payload["frames"][0][0][start]
    noise_options = "".join(f'<option value="{i}">{esc(name)}</option>' for i, name in enumerate(data["noises"]))
    digit_options = "".join(f'<option value="{i}">test digit {i + 1}</option>' for i in range(len(payload["clean"])))
    value = f"{levels[start]:.2f}"
    panels = [
        f'<figure><img id="{uid}-img-clean" src="{payload["clean"][0]}" alt="clean test digit 1" width="{size}" height="{size}">'
        f'<figcaption><b>clean</b><br><span class="dae-slider-psnr">target</span></figcaption></figure>'
    ]
    for i, name in enumerate(data["names"]):
        src, label = first[i]
        alt = f"{name} image of test digit 1, {data['noises'][0]} at level {value}: {label}"
        panels.append(
            f'<figure><img id="{uid}-img-{i}" src="{src}" alt="{esc(alt)}" width="{size}" height="{size}">'
            f'<figcaption><b>{esc(name)}</b><br><span class="dae-slider-psnr" id="{uid}-psnr-{i}" aria-live="polite">{esc(label)}</span>'
            f"</figcaption></figure>"
        )
    caption = caption or (
        f"Frames computed ahead of time with dae.sliders.frame at noise levels {levels[0]:g} to {levels[-1]:g} "
        f"(step {levels[1] - levels[0]:.2g}); PSNR of each image against the clean digit."
        if len(levels) > 1
        else "Frames computed ahead of time with dae.sliders.frame; PSNR of each image against the clean digit."
    )
    controls = (
        f'<label>noise <select id="{uid}-noise">{noise_options}</select></label>'
        f'<label>digit <select id="{uid}-digit">{digit_options}</select></label>' + _range_control(uid, "level", "level", len(levels), start, value)
    )
    css = _BLOCK_CSS.format(uid=uid, width=size + 36) + _IMAGE_CSS.format(uid=uid, size=size)
    return _block(uid, "noise slider", css, controls, panels, caption, text, _STATIC_JS.format(uid=uid), kind="image")


def static(clean_images, denoisers: Mapping[str, Callable], **options):
    """``static_html`` wrapped for display in a notebook: the slider that works in the built book too."""
    from IPython.display import HTML

    return HTML(static_html(clean_images, denoisers, **options))


# --- the sound slider: one clip, noise at a grid of SNRs, each denoiser's output and its SI-SDR -------

# The sound slider's default grid of input SNRs in dB.
AUDIO_SNRS = (-5, 0, 5, 10, 15)
NOISY_NAME = "noisy input"  # the label of the unprocessed mixture among a frame's signals
SPECTROGRAM_SIZE = (2.6, 1.8)  # inches, for the static block's pictures
SPECTROGRAM_DPI = 80  # 208 x 144 pixels
SPECTROGRAM_RANGE_DB = 80.0  # colours span this many dB below the loudest bin, as in dae.audio.plot_spectrograms


def si_sdr_text(score: float) -> str:
    """How both sound sliders label an SI-SDR in dB: 'SI-SDR 3.2 dB'."""
    return "SI-SDR inf" if not np.isfinite(score) else f"SI-SDR {score:.1f} dB"


def snr_text(snr_db: float) -> str:
    """How both sound sliders label an input SNR: '-5 dB', '2.5 dB'."""
    return f"{snr_db:g} dB"


def _check_denoisers(denoisers) -> dict:
    """A mapping of name -> callable; each name a non-empty string other than the two the slider uses itself."""
    if not isinstance(denoisers, Mapping):
        raise ValueError(f"denoisers must be a mapping of name -> function(noisy audio) -> audio, got {type(denoisers).__name__}")
    for name, denoise in denoisers.items():
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"denoiser names must be non-empty strings, got {name!r}")
        if name in (NOISY_NAME, "clean"):
            raise ValueError(f"denoiser name {name!r} is taken by the slider's own signals; choose another")
        if not callable(denoise):
            raise ValueError(f"denoiser {name!r} must be callable (noisy audio -> audio), got {type(denoise).__name__}")
    return dict(denoisers)


def _check_pair(clean, noise_audio) -> tuple[np.ndarray, np.ndarray]:
    clean, noise_audio = audio.check_audio(clean, "clean"), audio.check_audio(noise_audio, "noise")
    if clean.shape != noise_audio.shape:
        raise ValueError(f"clean and noise must have the same length, got {clean.shape[0]} and {noise_audio.shape[0]} samples")
    return clean.astype(np.float32), noise_audio.astype(np.float32)


def _check_snrs(snrs) -> list[float]:
    """A non-empty, strictly increasing grid of finite SNRs in dB, as floats."""
    try:
        values = [float(snr) for snr in snrs]
    except (TypeError, ValueError) as err:
        raise ValueError(f"snrs must be a sequence of numbers of dB, got {snrs!r}") from err
    if not values:
        raise ValueError("snrs is empty; give at least one input SNR in dB, e.g. dae.sliders.AUDIO_SNRS")
    if not all(np.isfinite(values)):
        raise ValueError(f"snrs must be finite numbers of dB, got {values}")
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"snrs must increase strictly, got {values}")
    return values


def _nearest(values: list[float], value: float) -> int:
    return int(np.argmin([abs(v - value) for v in values]))


def audio_frame(clean, noise, denoisers: Mapping[str, Callable[[np.ndarray], np.ndarray]], snr_db: float, sr: int) -> dict:
    """One sound slider position: clean and noise (samples,) floats, snr_db in dB -> the noisy input, outputs and SI-SDRs.

    noisy = clean + noise scaled to ``snr_db`` (``dae.audio.scale_to_snr``), float32. Each denoiser maps that
    noisy signal (samples,) to an output of the same length. Returns {'snr_db', 'noisy', 'outputs': {name: audio},
    'si_sdr': {'noisy input': dB, name: dB, ...}}, each SI-SDR measured against ``clean``.
    """
    clean, noise = _check_pair(clean, noise)
    audio.check_rate(sr)
    denoisers = _check_denoisers(denoisers)
    noisy = (clean.astype(np.float64) + audio.scale_to_snr(clean, noise, snr_db)).astype(np.float32)
    outputs = {}
    for name, denoise in denoisers.items():
        out = np.asarray(denoise(noisy.copy()))
        if out.ndim != 1 or out.shape[0] != noisy.shape[0]:
            raise ValueError(
                f"denoiser {name!r} returned shape {out.shape} for a noisy input of {noisy.shape[0]} samples; "
                "it must return one sample per input sample"
            )
        if not np.issubdtype(out.dtype, np.floating):
            out = out.astype(np.float32)
        outputs[name] = audio.check_audio(out, f"output of denoiser {name!r}").astype(np.float32)
    scores = {NOISY_NAME: audio_metrics.si_sdr(clean, noisy)}
    scores.update({name: audio_metrics.si_sdr(clean, out) for name, out in outputs.items()})
    return {"snr_db": float(snr_db), "noisy": noisy, "outputs": outputs, "si_sdr": scores}


def _frame_signals(frame_: dict) -> dict[str, np.ndarray]:
    """A frame's signals in the order the sliders show them: the noisy input, then each output."""
    return {NOISY_NAME: frame_["noisy"], **frame_["outputs"]}


def live_audio(clean, noise, denoisers: Mapping[str, Callable[[np.ndarray], np.ndarray]], sr: int, snr_db: float = 0.0, snrs=AUDIO_SNRS):
    """Show an ipywidgets SNR slider over ``snrs`` (dB) that redraws players and spectrograms of ``audio_frame``.

    clean and noise are (samples,) floats at ``sr`` Hz; each denoiser maps the noisy (samples,) to the same
    length. The players (``dae.audio.players``, one loudness scale per position) and the spectrograms
    (``dae.audio.plot_spectrograms``) show the clean target, the noisy input and each output, labelled with
    its SI-SDR.
    """
    import ipywidgets as widgets
    from IPython.display import display

    clean, noise = _check_pair(clean, noise)
    sr = audio.check_rate(sr)
    denoisers = _check_denoisers(denoisers)
    snrs = _check_snrs(snrs)
    snr_box = widgets.SelectionSlider(
        options=[(snr_text(s), s) for s in snrs],
        value=snrs[_nearest(snrs, snr_db)],
        description="input SNR",
        continuous_update=False,
        style={"description_width": "initial"},
    )

    def redraw(snr_db):
        shown = audio_frame(clean, noise, denoisers, snr_db, sr)
        signals = {"clean (target)": clean}
        for name, signal in _frame_signals(shown).items():
            signals[f"{name}, {si_sdr_text(shown['si_sdr'][name])}"] = signal
        display(audio.players(signals, sr))
        audio.plot_spectrograms(signals, sr, ncols=min(len(signals), 3), width=3.2, height=2.2)
        plt.show()

    out = widgets.interactive_output(redraw, {"snr_db": snr_box})
    display(widgets.VBox([snr_box, out]))


def static_audio_frames(clean, noise, denoisers: Mapping[str, Callable[[np.ndarray], np.ndarray]], sr: int, snrs=AUDIO_SNRS) -> dict:
    """Every position of a static sound slider, computed with ``audio_frame``.

    clean and noise (samples,) floats at ``sr`` Hz, snrs increasing dB -> {'snrs': [...], 'names': ['noisy input',
    *denoisers], 'sr': sr, 'clean': clean, 'frames': [audio_frame(...) for each snr]}.
    """
    clean, noise = _check_pair(clean, noise)
    sr = audio.check_rate(sr)
    denoisers = _check_denoisers(denoisers)
    snrs = _check_snrs(snrs)
    frames = [audio_frame(clean, noise, denoisers, snr, sr) for snr in snrs]
    return {"snrs": snrs, "names": [NOISY_NAME, *denoisers], "sr": sr, "clean": clean, "frames": frames}


def wav_data_uri(samples, sr: int, peak: float | None = None) -> str:
    """Mono float samples (samples,) divided by ``peak`` -> a 'data:audio/wav;base64,...' URI of a 16-bit PCM WAV.

    ``peak`` defaults to the samples' own largest magnitude: the bytes are then those of
    ``dae.audio.player(samples, sr)`` (``IPython.display.Audio`` with normalize=True: samples / peak * 32767,
    truncated to int16). A larger shared ``peak`` plays several clips at one loudness; a smaller one is an error.
    """
    import wave

    sr = audio.check_rate(sr)
    samples = audio.check_audio(samples, "samples").astype(np.float64)
    largest = float(np.abs(samples).max())
    if peak is None:
        peak = largest if largest > 0 else 1.0  # a silent clip plays as it is, as in dae.audio.player
    if isinstance(peak, bool) or not isinstance(peak, (int, float, np.integer, np.floating)) or not np.isfinite(peak) or peak <= 0:
        raise ValueError(f"peak must be a positive number (the level that plays at full scale), got {peak!r}")
    if largest > peak * (1 + 1e-9):
        raise ValueError(f"samples reach {largest:.3g}, above peak {peak:.3g}: they would clip (a peak of {largest / peak:.3g} times full scale)")
    scaled = samples / peak
    pcm = np.clip(scaled * 32767, -32767, 32767).astype("<h")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sr)
        wav.writeframes(pcm.tobytes())
    return _data_uri("audio/wav", buffer.getvalue())


def _spectrogram_db(samples) -> np.ndarray:
    """STFT power of ``samples`` in dB (the frames of ``dae.audio.stft``), floored at ``dae.audio.DB_MIN``."""
    power = np.abs(audio.stft(samples)) ** 2
    return 10.0 * np.log10(np.maximum(power, 10.0 ** (audio.DB_MIN / 10.0)))


class _SpectrogramPictures:
    """Small spectrogram PNGs on one dB colour scale, drawn on one reused figure so each costs one save."""

    def __init__(self, first: np.ndarray, sr: int, seconds: float, vmin: float, vmax: float):
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        self.fig = Figure(figsize=SPECTROGRAM_SIZE, dpi=SPECTROGRAM_DPI)
        ax = self.fig.add_subplot()
        self.image = ax.imshow(
            first,
            origin="lower",
            aspect="auto",
            cmap="magma",
            vmin=vmin,
            vmax=vmax,
            extent=(0.0, seconds, 0.0, sr / 2000.0),
            interpolation="antialiased",
        )
        ax.set_xlabel("time (s)", fontsize=7, labelpad=1)
        ax.set_ylabel("frequency (kHz)", fontsize=7, labelpad=1)
        ax.tick_params(labelsize=6, length=2, pad=1)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(4))
        self.fig.tight_layout(pad=0.25)

    def png(self, level: np.ndarray) -> str:
        from PIL import Image

        self.image.set_data(level)
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png", dpi=SPECTROGRAM_DPI)
        # 64 colours hold magma and the black labels: the palette PNG is under a third of the RGBA one and looks the same.
        picture = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG", optimize=True)
        return _data_uri("image/png", buffer.getvalue())


# The sound slider's panels: a spectrogram above a player above the caption.
_AUDIO_CSS = """
#{uid} img {{ width: {image_width}px; height: auto; display: block; margin: 0 auto; padding: 0; border-radius: 0;
  border: 1px solid rgba(128, 128, 128, 0.6); background: #fff; }}
#{uid} audio {{ display: block; width: 100%; height: 2.2em; margin: 0.3em 0 0; }}
"""

_AUDIO_JS = """
(function () {{
  var root = document.getElementById("{uid}");
  var data = JSON.parse(document.getElementById("{uid}-data").textContent);
  var snr = document.getElementById("{uid}-snr");
  var snrText = document.getElementById("{uid}-snr-text");
  function part(i, what) {{ return document.getElementById("{uid}-" + what + "-" + i); }}
  // The starting position lives only in the markup: read it back rather than store it twice.
  data.frames[Number(snr.value)] = data.names.map(function (name, i) {{
    return [part(i, "audio").querySelector("source").getAttribute("src"), part(i, "img").getAttribute("src"),
            part(i, "psnr").textContent];
  }});
  function swap(player, src) {{
    var source = player.querySelector("source");
    if (source.getAttribute("src") === src) return;
    var time = player.currentTime, playing = !player.paused && !player.ended;
    source.setAttribute("src", src);
    player.load();
    if (time > 0 || playing) {{  // carry on at the same moment of the new clip, to compare like with like
      player.addEventListener("loadedmetadata", function () {{
        player.currentTime = Math.min(time, player.duration || time);
        if (playing) {{ var started = player.play(); if (started && started.catch) started.catch(function () {{}}); }}
      }}, {{once: true}});
    }}
  }}
  function show() {{
    var p = Number(snr.value), value = data.snrs[p];
    snrText.textContent = value;
    snr.setAttribute("aria-valuetext", value);
    data.names.forEach(function (name, i) {{
      var panel = data.frames[p][i];
      swap(part(i, "audio"), panel[0]);
      part(i, "audio").setAttribute("aria-label", name + " at input SNR " + value);
      var img = part(i, "img");
      img.src = panel[1];
      img.alt = name + " spectrogram at input SNR " + value + ": " + panel[2];
      part(i, "psnr").textContent = panel[2];
    }});
  }}
  snr.addEventListener("input", show);
  snr.addEventListener("change", show);
  root.setAttribute("data-ready", "true");
}})();
"""


def static_audio_html(
    clean,
    noise,
    denoisers: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    sr: int,
    snrs=AUDIO_SNRS,
    snr_db: float = 0.0,
    caption: str | None = None,
) -> str:
    """A self-contained HTML block (range slider over ``snrs``, plain JavaScript, WAV and PNG data URIs) over ``static_audio_frames``.

    clean and noise (samples,) floats at ``sr`` Hz; ``snr_db`` picks the starting position (the nearest grid SNR).
    Each position embeds 1 + len(denoisers) clips (16-bit WAV, 2 bytes a sample, a third more as base64) and as
    many spectrograms, plus the clean clip once: keep clips short (about 5 s at 8 kHz is ~0.1 MB a clip).
    One loudness factor for the whole block (the loudest sample of any clip at full scale, as ``dae.audio.players``
    does for one table) and one dB colour scale keep the clips and pictures comparable across positions.
    """
    data = static_audio_frames(clean, noise, denoisers, sr, snrs=snrs)
    clean, sr, snrs, names = data["clean"], data["sr"], data["snrs"], data["names"]
    start = _nearest(snrs, snr_db)
    per_frame = [_frame_signals(f) for f in data["frames"]]
    peak = max(float(np.abs(clean).max()), *(float(np.abs(s).max()) for signals in per_frame for s in signals.values())) or 1.0
    levels = [[_spectrogram_db(s) for s in signals.values()] for signals in per_frame]
    clean_level = _spectrogram_db(clean)
    top = max(float(clean_level.max()), *(float(level.max()) for row in levels for level in row))
    vmin = max(top - SPECTROGRAM_RANGE_DB, audio.DB_MIN)
    pictures = _SpectrogramPictures(clean_level, sr, len(clean) / sr, vmin, top)
    labels = [snr_text(s) for s in snrs]
    frames = [
        [[wav_data_uri(s, sr, peak), pictures.png(level), si_sdr_text(f["si_sdr"][name])] for (name, s), level in zip(signals.items(), row)]
        for f, signals, row in zip(data["frames"], per_frame, levels)
    ]
    clean_wav, clean_png = wav_data_uri(clean, sr, peak), pictures.png(clean_level)
    first, frames[start] = frames[start], None  # the markup holds the starting position; the script reads it back
    text = json.dumps({"snrs": labels, "names": names, "frames": frames}, separators=(",", ":"))
    uid = _block_uid(text)
    esc = html.escape
    width = round(SPECTROGRAM_SIZE[0] * SPECTROGRAM_DPI)
    height = round(SPECTROGRAM_SIZE[1] * SPECTROGRAM_DPI)

    def panel(key: str, name: str, player_label: str, wav: str, png: str, alt: str, label: str) -> str:
        live = f' id="{uid}-psnr-{key}" aria-live="polite"' if key != "clean" else ""
        return (
            f'<figure><img id="{uid}-img-{key}" src="{png}" alt="{esc(alt)}" width="{width}" height="{height}">'
            f'<audio id="{uid}-audio-{key}" controls preload="metadata" aria-label="{esc(player_label)}">'
            f'<source src="{wav}" type="audio/wav"></audio>'
            f'<figcaption><b>{esc(name)}</b><br><span class="dae-slider-psnr"{live}>{esc(label)}</span></figcaption></figure>'
        )

    panels = [panel("clean", "clean", "clean target", clean_wav, clean_png, "spectrogram of the clean target signal", "target")]
    for i, name in enumerate(names):
        wav, png, label = first[i]
        at = f"{name} at input SNR {labels[start]}"
        panels.append(panel(str(i), name, at, wav, png, f"{name} spectrogram at input SNR {labels[start]}: {label}", label))
    caption = caption or (
        f"Computed ahead of time with dae.sliders.audio_frame at input SNRs {labels[0]} to {labels[-1]}; SI-SDR of "
        f"each signal against the clean one. One loudness for all clips; spectrogram colours span {vmin:.0f} to "
        f"{top:.0f} dB on every picture."
    )
    css = _BLOCK_CSS.format(uid=uid, width=width + 12) + _AUDIO_CSS.format(uid=uid, image_width=width)
    controls = _range_control(uid, "snr", "input SNR", len(snrs), start, labels[start])
    return _block(uid, "SNR slider for sound", css, controls, panels, caption, text, _AUDIO_JS.format(uid=uid), kind="audio")


def static_audio(clean, noise, denoisers: Mapping[str, Callable[[np.ndarray], np.ndarray]], sr: int, **options):
    """``static_audio_html`` wrapped for display in a notebook: the sound slider that works in the built book too."""
    from IPython.display import HTML

    return HTML(static_audio_html(clean, noise, denoisers, sr, **options))
