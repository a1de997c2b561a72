"""What the image chapters show: digit grids, clean / noisy / denoised rows, loss curves, a diagram of an
autoencoder, a 2-D code scatter, a metric-against-size sweep and a chapter's headline bars (each returns its
Figure). Spectrograms and players are in :mod:`dae.sound_plots`.

Every figure reads in the book's text column (about 688 px on a laptop): at most ``MAX_WIDTH`` inches wide at
the default 100 dpi, its smallest text ``MIN_FONT_PT`` points or more, so no text drawn here shows smaller than
9 px. Long titles wrap to the figure's width rather than widening it. In a Jupyter kernel, each figure's PNG
also records its dpi and its smallest text (:mod:`dae.figure_text`), so the book's browser test can check
the text as the page shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Polygon
from matplotlib.ticker import MaxNLocator

from . import figure_text  # noqa: F401  (in a kernel, every figure's PNG then records its smallest text)

MAX_WIDTH = 7.0  # inches: 700 px at 100 dpi, about the text column of the book on a laptop
MIN_FONT_PT = 8.0  # the smallest text any figure here draws
PANEL_WIDTH = 2.0  # inches: the narrowest spectrogram panel that still holds its axis labels
TITLE_PT = 11.0  # a figure's title; panel titles are 10 pt


def _text_width(text: str, fontsize: float) -> float:
    """The width in inches of one line of ``text`` at ``fontsize`` points in matplotlib's default font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(text, FontProperties(size=fontsize), ismath=False)
    return width / 72.0


def wrap(text: str, width: float, fontsize: float = TITLE_PT) -> str:
    """``text`` broken at spaces into lines no wider than ``width`` inches at ``fontsize`` points (a longer word keeps its line)."""
    lines = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and _text_width(candidate, fontsize) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def _grid(count: int, ncols: int | None, max_cols: int) -> tuple[int, int]:
    """(rows, columns) for ``count`` panels: at most ``ncols`` (if given) and ``max_cols`` columns, rows as even as can be."""
    cols = max(1, min(count, ncols or count, max_cols))
    rows = -(-count // cols)
    return rows, -(-count // rows)


def _squeeze(images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"expected grey images (N, H, W) or (N, H, W, 1), got shape {images.shape}")
    return images


def image_grid(images, labels: Sequence | None = None, ncols: int = 10, title: str | None = None, size: float = 0.8):
    """Show images (N, H, W) in a grid with ``ncols`` columns, each titled by its label if given.

    Each image is ``size`` inches square, less where ``ncols`` of them would make the figure wider than ``MAX_WIDTH``.
    """
    images = _squeeze(images)
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"got {len(labels)} labels for {len(images)} images")
    nrows = int(np.ceil(len(images) / ncols))
    size = min(size, MAX_WIDTH / ncols)
    title = wrap(title, ncols * size) if title else None
    heading = 0.25 * (title.count("\n") + 1) + 0.15 if title else 0.0
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * (size + (0.2 if labels is not None else 0)) + heading), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, (ax, img) in enumerate(zip(axes.flat, images)):
        ax.imshow(img, cmap="gray", vmin=0, vmax=1 if img.dtype.kind == "f" else 255)
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=9, pad=2)
    if title:
        fig.suptitle(title, fontsize=TITLE_PT)
    fig.tight_layout(pad=0.3)
    return fig


def image_rows(rows: Mapping[str, np.ndarray], clean=None, title: str | None = None, size: float = 0.8):
    """One row per entry of ``rows`` (name -> images (N, H, W)); with ``clean``, each image shows its PSNR.

    Each image is ``size`` inches square, less where the row would make the figure wider than ``MAX_WIDTH``
    (its names included); the PSNR labels stay 8 points or more.
    """
    from .metrics import psnr

    if not rows:
        raise ValueError("rows is empty: give at least one name → images entry")
    named = {name: _squeeze(imgs) for name, imgs in rows.items()}
    counts = {len(v) for v in named.values()}
    if len(counts) != 1:
        raise ValueError(f"every row must hold the same number of images, got {sorted(counts)}")
    n = counts.pop()
    name_pt = 10.0
    names_width = max(_text_width(str(name), name_pt) for name in named) + 0.15
    size = min(size, (MAX_WIDTH - names_width) / n)
    score_pt = 9.0 if size >= 0.62 else MIN_FONT_PT  # "12.3 dB" fits under an image this wide
    title = wrap(title, n * size + names_width) if title else None
    heading = 0.25 * (title.count("\n") + 1) + 0.15 if title else 0.0
    label_room = 0.22 if clean is not None else 0.08
    fig, axes = plt.subplots(len(named), n, figsize=(n * size + names_width, len(named) * (size + label_room) + heading), squeeze=False)
    for r, (name, imgs) in enumerate(named.items()):
        scores = psnr(_squeeze(clean).astype(np.float32), imgs.astype(np.float32)) if clean is not None else None
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(imgs[c], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
            if scores is not None and np.isfinite(scores[c]):
                ax.set_xlabel(f"{scores[c]:.1f} dB", fontsize=score_pt, labelpad=2)
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=name_pt)
    if title:
        fig.suptitle(title, fontsize=TITLE_PT)
    fig.tight_layout(pad=0.3, w_pad=0.2, h_pad=0.2)
    return fig


def loss_curves(histories: Mapping[str, dict], title: str = "Training and validation loss", ylabel: str = "loss (MSE)"):
    """Loss per epoch for each named Keras history (dicts with 'loss' and optionally 'val_loss')."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for i, (name, history) in enumerate(histories.items()):
        if "loss" not in history:
            raise ValueError(f"history {name!r} has no 'loss' entry (keys: {sorted(history)})")
        epochs = np.arange(1, len(history["loss"]) + 1)
        colour = f"C{i}"
        ax.plot(epochs, history["loss"], "-o", color=colour, ms=3, label=f"{name}: training")
        if "val_loss" in history:
            ax.plot(epochs, history["val_loss"], "--s", color=colour, ms=3, label=f"{name}: test")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    ax.set_title(wrap(title, 5.2), fontsize=TITLE_PT)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=MIN_FONT_PT)
    fig.tight_layout()
    return fig


def autoencoder_diagram(sizes: Sequence[int] = (784, 256, 32, 256, 784), title: str | None = None):
    """Draw an encoder → code → decoder diagram; ``sizes`` are layer widths, the smallest is the code."""
    sizes = list(sizes)
    if len(sizes) < 3:
        raise ValueError(f"need at least input, code and output sizes, got {sizes}")
    code = int(np.argmin(sizes))
    heights = 0.6 + 2.4 * np.sqrt(np.array(sizes) / max(sizes))
    xs = np.arange(len(sizes)) * 1.6
    fig, ax = plt.subplots(figsize=(min(1.5 * len(sizes) + 1, MAX_WIDTH), 3.6))
    for i in range(len(sizes) - 1):
        part = "C0" if i < code else "C1"
        h0, h1 = heights[i] / 2, heights[i + 1] / 2
        ax.add_patch(Polygon([(xs[i], -h0), (xs[i + 1], -h1), (xs[i + 1], h1), (xs[i], h0)], closed=True, color=part, alpha=0.25))
    for i, (x, h, n) in enumerate(zip(xs, heights, sizes)):
        colour = "C3" if i == code else ("C0" if i < code else "C1")
        ax.add_patch(Polygon([(x - 0.12, -h / 2), (x + 0.12, -h / 2), (x + 0.12, h / 2), (x - 0.12, h / 2)], closed=True, color=colour))
        ax.text(x, -h / 2 - 0.25, f"{n}", ha="center", va="top", fontsize=10)
    ax.text(xs[0], heights[0] / 2 + 0.2, "input x", ha="center", fontsize=10)
    ax.text(xs[-1], heights[-1] / 2 + 0.2, "output x̂", ha="center", fontsize=10)
    ax.text(xs[code], heights[code] / 2 + 0.2, "code z", ha="center", fontsize=10, color="C3")
    ax.text((xs[0] + xs[code]) / 2, -1.95, "encoder  z = f(x)", ha="center", color="C0", fontsize=11)
    ax.text((xs[code] + xs[-1]) / 2, -1.95, "decoder  x̂ = g(z)", ha="center", color="C1", fontsize=11)
    ax.add_patch(FancyArrowPatch((xs[0], 2.05), (xs[-1], 2.05), arrowstyle="-|>", mutation_scale=12, color="0.4"))
    ax.text((xs[0] + xs[-1]) / 2, 2.15, "trained so that x̂ ≈ x", ha="center", va="bottom", fontsize=10, color="0.3")
    ax.set_xlim(xs[0] - 0.8, xs[-1] + 0.8)
    ax.set_ylim(-2.2, 2.6)
    ax.axis("off")
    if title:
        ax.set_title(wrap(title, fig.get_figwidth() - 0.4), fontsize=TITLE_PT)
    fig.tight_layout()
    return fig


def code_scatter(codes, labels, title: str = "2-D codes of the test digits", max_points: int = 5000, seed: int = 0):
    """Scatter 2-D codes (N, 2) coloured by digit label (N,); plots at most ``max_points`` of them."""
    codes, labels = np.asarray(codes), np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"codes must have shape (N, 2), got {codes.shape}")
    if len(labels) != len(codes):
        raise ValueError(f"got {len(labels)} labels for {len(codes)} codes")
    pick = np.random.default_rng(seed).permutation(len(codes))[:max_points]
    fig, ax = plt.subplots(figsize=(6, 5))
    points = ax.scatter(codes[pick, 0], codes[pick, 1], c=labels[pick], cmap="tab10", s=4, alpha=0.7, vmin=-0.5, vmax=9.5)
    bar = fig.colorbar(points, ax=ax, ticks=range(10))
    bar.set_label("digit")
    ax.set_xlabel("code unit 1")
    ax.set_ylabel("code unit 2")
    ax.set_title(wrap(title, 4.6), fontsize=TITLE_PT)
    fig.tight_layout()
    return fig


def metric_sweep(xs, ys: Mapping[str, Sequence[float]], xlabel: str, ylabel: str, title: str, logx: bool = True):
    """Line plot of one or more named metric series against ``xs`` (e.g. PSNR against code size)."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for name, values in ys.items():
        if len(values) != len(xs):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(xs)} x positions")
        ax.plot(xs, values, "-o", label=name)
    if logx:
        ax.set_xscale("log", base=2)
        ax.set_xticks(list(xs), [str(x) for x in xs])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(wrap(title, 5.2), fontsize=TITLE_PT)
    ax.grid(alpha=0.3)
    if len(ys) > 1:
        ax.legend(fontsize=MIN_FONT_PT)
    fig.tight_layout()
    return fig


def headline(record, setting: str, metric: str = "psnr_db", title: str | None = None, labels: Mapping[str, str] | None = None):
    """A chapter's main result at a glance: horizontal bars of ``metric`` in one noise ``setting`` for the noisy
    input, the best classical denoiser and every trained model of ``record`` (a ``dae.results.Recorder``), with
    each bar's 95 % interval where one was recorded. ``labels`` renames methods for the reader."""
    from .results import CI95, HEADERS

    rows = [r for r in record.rows if r["setting"] == setting and r.get(metric) is not None]
    classical = [r for r in rows if r["kind"] == "classical"]
    chosen = [r for r in rows if r["kind"] == "noisy"]
    chosen += [max(classical, key=lambda r: r[metric])] if classical else []
    chosen += [r for r in rows if r["kind"] in ("recipe", "model")]
    if not chosen:
        raise ValueError(f"nothing recorded with {metric!r} in {setting!r}; settings: {sorted({r['setting'] for r in record.rows})}")
    names = [(labels or {}).get(r["method"], r["method"]) for r in chosen]
    values = [r[metric] for r in chosen]
    errors = [r.get(metric + CI95) or 0.0 for r in chosen]
    colours = {"noisy": "0.6", "classical": "tab:blue", "recipe": "tab:orange", "model": "tab:green"}
    fig, ax = plt.subplots(figsize=(6, 0.45 * len(chosen) + 1.1))
    y = np.arange(len(chosen))[::-1]
    ax.barh(y, values, xerr=errors, color=[colours[r["kind"]] for r in chosen], capsize=3)
    for yi, value, error in zip(y, values, errors):
        ax.text(value + error, yi, f" {value:.{2 if metric in ('ssim', 'stoi', 'pesq') else 1}f}", va="center", ha="left", fontsize=9)
    ax.set_yticks(y, names)
    ax.set_xlabel(HEADERS[metric] + ("; bars: 95 % interval over the test items" if any(errors) else ""))
    ax.set_xlim(min(0, min(values)), max(values) * 1.15)
    ax.set_title(wrap(title or "The noisy input, the best classical denoiser and the models", 5.0), fontsize=TITLE_PT)
    fig.tight_layout()
    return fig
