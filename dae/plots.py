"""What the chapters show: digit grids, clean / noisy / denoised rows, loss curves, a diagram of an
autoencoder, a 2-D code scatter, a metric-against-size sweep, a chapter's headline bars and spectrograms
side by side (each returns its Figure), and audio players that work in a static page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Polygon
from matplotlib.ticker import MaxNLocator

from ._checks import check_audio, check_positive_int, check_rate
from .spectrogram import DB_MIN, HOP, N_FFT, N_MELS, stft


def _squeeze(images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"expected grey images (N, H, W) or (N, H, W, 1), got shape {images.shape}")
    return images


def image_grid(images, labels: Sequence | None = None, ncols: int = 10, title: str | None = None, size: float = 0.8):
    """Show images (N, H, W) in a grid with ``ncols`` columns, each titled by its label if given."""
    images = _squeeze(images)
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"got {len(labels)} labels for {len(images)} images")
    nrows = int(np.ceil(len(images) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size + (0.4 if title else 0)), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, (ax, img) in enumerate(zip(axes.flat, images)):
        ax.imshow(img, cmap="gray", vmin=0, vmax=1 if img.dtype.kind == "f" else 255)
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=10)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def image_rows(rows: Mapping[str, np.ndarray], clean=None, title: str | None = None, size: float = 0.8):
    """One row per entry of ``rows`` (name -> images (N, H, W)); with ``clean``, each image shows its PSNR."""
    from .metrics import psnr

    if not rows:
        raise ValueError("rows is empty: give at least one name -> images entry")
    named = {name: _squeeze(imgs) for name, imgs in rows.items()}
    counts = {len(v) for v in named.values()}
    if len(counts) != 1:
        raise ValueError(f"every row must hold the same number of images, got {sorted(counts)}")
    n = counts.pop()
    fig, axes = plt.subplots(len(named), n, figsize=(n * size + 1.0, len(named) * (size + 0.3) + 0.4), squeeze=False)
    for r, (name, imgs) in enumerate(named.items()):
        scores = psnr(_squeeze(clean).astype(np.float32), imgs.astype(np.float32)) if clean is not None else None
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(imgs[c], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
            if scores is not None and np.isfinite(scores[c]):
                ax.set_xlabel(f"{scores[c]:.1f} dB", fontsize=9, labelpad=2)
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=11)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
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
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def autoencoder_diagram(sizes: Sequence[int] = (784, 256, 32, 256, 784), title: str | None = None):
    """Draw an encoder -> code -> decoder diagram; ``sizes`` are layer widths, the smallest is the code."""
    sizes = list(sizes)
    if len(sizes) < 3:
        raise ValueError(f"need at least input, code and output sizes, got {sizes}")
    code = int(np.argmin(sizes))
    heights = 0.6 + 2.4 * np.sqrt(np.array(sizes) / max(sizes))
    xs = np.arange(len(sizes)) * 1.6
    fig, ax = plt.subplots(figsize=(1.5 * len(sizes) + 1, 3.6))
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
        ax.set_title(title)
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
    ax.set_title(title)
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
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if len(ys) > 1:
        ax.legend(fontsize=8)
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
    chosen += [r for r in rows if r["kind"] in ("seed-model", "model")]
    if not chosen:
        raise ValueError(f"nothing recorded with {metric!r} in {setting!r}; settings: {sorted({r['setting'] for r in record.rows})}")
    names = [(labels or {}).get(r["method"], r["method"]) for r in chosen]
    values = [r[metric] for r in chosen]
    errors = [r.get(metric + CI95) or 0.0 for r in chosen]
    colours = {"noisy": "0.6", "classical": "tab:blue", "seed-model": "tab:orange", "model": "tab:green"}
    fig, ax = plt.subplots(figsize=(6, 0.45 * len(chosen) + 1.1))
    y = np.arange(len(chosen))[::-1]
    ax.barh(y, values, xerr=errors, color=[colours[r["kind"]] for r in chosen], capsize=3)
    for yi, value, error in zip(y, values, errors):
        ax.text(value + error, yi, f" {value:.{2 if metric in ('ssim', 'stoi', 'pesq') else 1}f}", va="center", ha="left", fontsize=9)
    ax.set_yticks(y, names)
    ax.set_xlabel(HEADERS[metric] + ("; bars: 95 % interval over the test items" if any(errors) else ""))
    ax.set_xlim(min(0, min(values)), max(values) * 1.15)
    ax.set_title(title or "The noisy input, the best classical denoiser and the models")
    fig.tight_layout()
    return fig


# --- sound: spectrograms and players -----------------------------------------------------------


def plot_spectrograms(
    signals: Mapping[str, np.ndarray],
    sr: int,
    kind: str = "stft",
    ncols: int | None = None,
    height: float = 2.6,
    width: float = 4.0,
):
    """Spectrograms of several signals side by side on one dB colour scale (librosa's specshow, magma); returns the Figure.

    ``kind='stft'`` shows the linear-frequency magnitude, ``'mel'`` the mel power (``N_MELS`` bands); both use
    the N_FFT and HOP of :mod:`dae.spectrogram`. Time in seconds, frequency in Hz, a shared colour bar in dB.
    """
    import librosa
    import librosa.display

    if kind not in ("stft", "mel"):
        raise ValueError(f"kind must be 'stft' or 'mel', got {kind!r}")
    if not isinstance(signals, Mapping) or not signals:
        raise ValueError("signals must be a non-empty mapping of title -> audio")
    sr = check_rate(sr)
    levels = {}
    for title, audio in signals.items():
        power = np.abs(stft(check_audio(audio, f"signal {title!r}"))) ** 2
        if kind == "mel":
            power = librosa.feature.melspectrogram(S=power, sr=sr, n_fft=N_FFT, n_mels=N_MELS)
        levels[title] = 10.0 * np.log10(np.maximum(power, 10.0 ** (DB_MIN / 10.0)))
    top = max(float(level.max()) for level in levels.values())
    vmin, vmax = max(top - 80.0, DB_MIN), top  # 80 dB of range below the loudest bin of any panel
    ncols = check_positive_int(len(levels) if ncols is None else ncols, "ncols", "a positive int")
    nrows = -(-len(levels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols + 1.0, height * nrows), squeeze=False, layout="constrained")
    image = None
    for ax, (title, level) in zip(axes.flat, levels.items()):
        image = librosa.display.specshow(
            level,
            sr=sr,
            hop_length=HOP,
            n_fft=N_FFT,
            x_axis="s",
            y_axis="hz" if kind == "stft" else "mel",
            cmap="magma",
            vmin=vmin,
            vmax=vmax,
            ax=ax,
        )
        ax.set_title(str(title))
        ax.set_xlabel("time (s)")
        ax.set_ylabel("frequency (Hz)")
    for ax in list(axes.flat)[len(levels) :]:
        ax.set_visible(False)
    fig.colorbar(image, ax=axes, format="%.0f", label="level (dB)")
    return fig


def mel_panels(panels: Mapping[str, np.ndarray], title: str, sr: int):
    """Mel power spectrograms (n_mels, frames) side by side on one dB scale, 80 dB below the loudest bin of any; the Figure."""
    import librosa
    import librosa.display

    check_rate(sr)
    levels = {name: librosa.power_to_db(np.maximum(power, 0), ref=1.0, amin=1e-8) for name, power in panels.items()}
    top = max(level.max() for level in levels.values())
    fig, axes = plt.subplots(1, len(levels), figsize=(3.4 * len(levels) + 1.2, 3.0), layout="constrained", sharey=True)
    for ax, (name, level) in zip(np.atleast_1d(axes), levels.items()):
        image = librosa.display.specshow(level, sr=sr, x_axis="s", y_axis="mel", cmap="magma", vmin=top - 80, vmax=top, ax=ax)
        ax.set(title=name, xlabel="time (s)", ylabel="frequency (Hz)" if ax is np.atleast_1d(axes)[0] else "")
    fig.colorbar(image, ax=axes, format="%+2.0f dB", label="power (dB)")
    fig.suptitle(title)
    return fig


def _preload_metadata(html: str) -> str:
    """Ask the browser to read each clip's header at once, so a player shows its length before it is played
    (Chromium shows "0:00 / 0:00" for a short embedded clip until then)."""
    return html.replace("<audio ", '<audio preload="metadata" ')


def player(audio, sr: int, normalize: bool = True):
    """An ``IPython.display.Audio`` player; the sound is embedded as a data URI, so it plays in static HTML.

    ``normalize=True`` scales the peak to full volume; ``False`` keeps the level (samples must lie in [-1, 1]).
    The player reads its clip's length as the page loads (``preload="metadata"``).
    """
    from IPython.display import Audio

    class Player(Audio):
        def _repr_html_(self):
            return _preload_metadata(super()._repr_html_())

    audio = check_audio(audio)
    sr = check_rate(sr)
    if not normalize and np.abs(audio).max() > 1.0:
        raise ValueError(f"with normalize=False samples must lie in [-1, 1], got a peak of {np.abs(audio).max():.3g}")
    peak = float(np.abs(audio).max())
    # IPython divides by the peak when normalising: a silent signal would become NaN, so play it as it is.
    return Player(data=audio.astype(np.float64), rate=sr, normalize=normalize and peak > 0)


def players(signals: Mapping[str, np.ndarray], sr: int):
    """Labelled players for several signals in one HTML table, all scaled by one factor so their loudness compares."""
    from html import escape

    from IPython.display import HTML

    if not isinstance(signals, Mapping) or not signals:
        raise ValueError("signals must be a non-empty mapping of label -> audio")
    checked = {label: check_audio(audio, f"signal {label!r}") for label, audio in signals.items()}
    peak = max(float(np.abs(a).max()) for a in checked.values())
    scale = 1.0 / peak if peak > 0 else 1.0  # one factor for all: the loudest reaches full volume
    rows = [
        f"<tr><td style='padding-right:1em'>{escape(str(label))}</td><td>{player(a * scale, sr, normalize=False)._repr_html_()}</td></tr>"
        for label, a in checked.items()
    ]
    return HTML("<table>" + "".join(rows) + "</table>")
