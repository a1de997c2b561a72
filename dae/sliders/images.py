"""The digit slider: move the noise type and level, watch each denoiser's output and its PSNR.

``frame`` computes what one slider position shows; ``draw_frame`` draws it; ``live`` wires both to
``ipywidgets`` controls for Jupyter and Colab. ``static`` calls the same ``frame`` over a grid of
levels ahead of time and packs the results into one self-contained HTML block (PNG data URIs, a range
slider and plain JavaScript, no server), so the built book, where no Python runs, shows the same frames.
Its styles and script are ``static/image.css`` and ``static/image.js`` (with the shared ``static/block.css``).
"""

from __future__ import annotations

import html
import io
import json
import textwrap
from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np

from .. import metrics, noise
from .._checks import check_images
from ._html import block, block_uid, data_uri, range_control, styles

# Noise families a slider offers; each maps (images, level, seed) -> noisy images in [0, 1].
NOISES: dict[str, Callable] = {
    "Gaussian, sigma = level": lambda x, level, seed: noise.gaussian(x, sigma=level, seed=seed),
    "shifted Gaussian, N(level, level)": lambda x, level, seed: noise.shifted_gaussian(x, loc=level, scale=level, seed=seed),
    "salt and pepper, amount = level": lambda x, level, seed: noise.salt_and_pepper(x, amount=level, seed=seed),
}


# A panel title in draw_frame longer than this goes on two lines: about the width of a 1.8-inch panel at 10 pt.
TITLE_CHARACTERS = 20

# The static slider's default grid of noise levels: 0 to 0.6 in steps of 0.05.
STATIC_LEVELS = tuple(round(0.05 * i, 2) for i in range(13))


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
    clean = check_images(clean, "clean")
    if clean.ndim != 2:
        raise ValueError(f"clean must be one grey image (H, W), got shape {clean.shape}")
    batch = clean[None].astype(np.float32)
    noisy = NOISES[noise_name](batch, level, seed)
    shown = {"noisy": noisy}
    for name, denoise in denoisers.items():
        shown[name] = _denoised(name, denoise, noisy, batch.shape)
    return {name: (images[0], float(metrics.psnr(batch, images)[0])) for name, images in shown.items()}


def _denoised(name: str, denoise: Callable, noisy: np.ndarray, shape: tuple) -> np.ndarray:
    # A denoiser's output as float32 of ``shape``, refused (naming the denoiser) unless float, finite and in [0, 1]:
    # uint8 0..255 or a -1..1 scale would otherwise be clipped into a plausible-looking picture.
    out = check_images(denoise(noisy), f"output of denoiser {name!r}")
    return np.asarray(out, dtype=np.float32).reshape(shape)


def _title(name: str) -> str:
    # A long panel name on two lines, not over its neighbour's: before its parenthesis if it has one ("U-Net" over
    # "(Gaussian, σ = 0.2)"), else at a space.
    if len(name) <= TITLE_CHARACTERS:
        return name
    if " (" in name:
        head, rest = name.split(" (", 1)
        return f"{head}\n({rest}"
    return textwrap.fill(name, TITLE_CHARACTERS)


def draw_frame(clean, shown: Mapping[str, tuple], title: str | None = None, size: float = 1.8):
    """Draw the clean image beside each (image, psnr) of a ``frame``; returns the Figure."""
    panels = [("clean", clean, None), *[(name, image, score) for name, (image, score) in shown.items()]]
    # Each panel wide enough for its longest title line (about 0.08 inch a character at 10 pt).
    longest = max(len(line) for name, _, _ in panels for line in _title(name).splitlines())
    width = max(size, 0.08 * longest)
    fig, axes = plt.subplots(1, len(panels), figsize=(width * len(panels), size + 0.8))
    for ax, (name, image, score) in zip(np.atleast_1d(axes), panels):
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
        ax.set_title(_title(name), fontsize=10)
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
        # The scores as text too, for screen readers and for a reader copying them; the figure repeats them.
        print("   ".join(f"{name}: {psnr_text(score)}" for name, (_, score) in shown.items()))
        draw_frame(clean_images[index], shown)
        plt.show()

    out = widgets.interactive_output(redraw, {"noise_name": noise_box, "level": level_box, "index": index_box})
    display(widgets.VBox([widgets.HBox([noise_box, level_box, index_box]), out]))


def _as_batch(clean_images, name: str = "clean_images") -> np.ndarray:
    """A batch (N, H, W) or (N, H, W, 1) of grey images in [0, 1] -> (N, H, W)."""
    images = check_images(clean_images, name)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"{name} must be a batch (N, H, W), got shape {images.shape}")
    return images


def png_data_uri(image) -> str:
    """One grey float image (H, W) -> a 'data:image/png;base64,...' URI of its 8-bit PNG, values clipped to [0, 1]."""
    from PIL import Image

    array = np.asarray(image)
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"image must be floating point (shown in [0, 1]), got dtype {array.dtype}; divide uint8 pixels by 255")
    if not np.all(np.isfinite(array)):
        raise ValueError("image contains NaN or infinite values: a PNG pixel cannot show them")
    pixels = np.round(np.clip(array.astype(np.float64), 0.0, 1.0) * 255).astype(np.uint8)
    if pixels.ndim != 2:
        raise ValueError(f"image must be one grey image (H, W), got shape {pixels.shape}")
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", optimize=True)
    return data_uri("image/png", buffer.getvalue())


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
    outside = [level for level in levels if not 0.0 <= level <= 1.0]
    if outside:
        raise ValueError(f"level must lie in [0, 1], got {outside[0]!r}")
    names = ["noisy", *denoisers]
    # Each position's noise is drawn exactly as ``frame`` draws it, one image at a time; the denoisers then
    # run once on all positions together, since one call per position would spend most of its time in overhead.
    positions = [(d, n, v) for d in range(len(images)) for n in range(len(noise_names)) for v in range(len(levels))]
    clean = np.stack([images[d] for d, _, _ in positions]).astype(np.float32)
    noisy = np.concatenate([NOISES[noise_names[n]](clean[i : i + 1], levels[v], seed) for i, (_, n, v) in enumerate(positions)])
    outputs = {"noisy": noisy}
    for name, denoise in denoisers.items():
        outputs[name] = _denoised(name, denoise, noisy, clean.shape)
    scores = {name: metrics.psnr(clean, shown) for name, shown in outputs.items()}
    frames = [[[None] * len(levels) for _ in noise_names] for _ in images]
    for i, (d, n, v) in enumerate(positions):
        frames[d][n][v] = [(outputs[name][i], float(scores[name][i])) for name in names]
    return {"noises": noise_names, "levels": levels, "names": names, "clean": list(images), "frames": frames}


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
    uid = block_uid(text)
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
        f'<label>digit <select id="{uid}-digit">{digit_options}</select></label>' + range_control(uid, "level", "level", len(levels), start, value)
    )
    css = styles(uid, "block.css", "image.css", figure_width=size + 36, size=size)
    return block(uid, "noise slider", css, controls, panels, caption, text, "image.js", kind="image")


def static(clean_images, denoisers: Mapping[str, Callable], **options):
    """``static_html`` wrapped for display in a notebook: the slider that works in the built book too."""
    from IPython.display import HTML

    return HTML(static_html(clean_images, denoisers, **options))
