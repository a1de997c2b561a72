"""Sound as the chapters show it: spectrograms side by side, mel panels, masks side by side, the mask denoiser's
pipeline drawn, a grid of measures against the input's SNR, sounds' traits as a scatter plot, and audio players
that work in a static page (each figure returned as a Figure). Figures keep the sizes and text of :mod:`dae.plots`."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from ._checks import check_audio, check_positive_int, check_rate
from .plots import MAX_WIDTH, MIN_FONT_PT, PANEL_WIDTH, TITLE_PT, _grid, wrap
from .spectrogram import DB_MIN, HOP, N_FFT, N_MELS, stft


def _panel_layout(count: int, ncols: int | None, width: float, height: float, extra: float) -> tuple[int, int, float, float]:
    """(rows, columns, panel width, panel height) in inches for ``count`` spectrogram panels with ``extra`` inches of
    colour bar beside them: at most ``ncols`` columns and as many as fit ``MAX_WIDTH`` at ``PANEL_WIDTH`` or more each;
    panels asked for wider than fits shrink, their height with them (down to 2.2 inches, room for their labels)."""
    rows, cols = _grid(count, ncols, max(1, int((MAX_WIDTH - extra) // PANEL_WIDTH)))
    panel_width = min(width, (MAX_WIDTH - extra) / cols)
    panel_height = max(height * panel_width / width, min(height, 2.2))
    return rows, cols, panel_width, panel_height


def _label_panel(ax, title: str, width: float, xlabel: str = "time (s)", ylabel: str = "frequency (Hz)") -> None:
    """A spectrogram panel's title (wrapped to its ``width`` in inches) and axis labels, none under ``MIN_FONT_PT``."""
    ax.set_title(wrap(title, width - 0.5, 10), fontsize=10)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=MIN_FONT_PT)


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
    Panels are ``width`` x ``height`` inches in rows of at most ``ncols``, fewer and narrower where the figure
    would be wider than ``MAX_WIDTH`` (three panels of about two inches at most).
    """
    import librosa
    import librosa.display

    if kind not in ("stft", "mel"):
        raise ValueError(f"kind must be 'stft' or 'mel', got {kind!r}")
    if not isinstance(signals, Mapping) or not signals:
        raise ValueError("signals must be a non-empty mapping of title → audio")
    sr = check_rate(sr)
    levels = {}
    for title, audio in signals.items():
        power = np.abs(stft(check_audio(audio, f"signal {title!r}"))) ** 2
        if kind == "mel":
            power = librosa.feature.melspectrogram(S=power, sr=sr, n_fft=N_FFT, n_mels=N_MELS)
        levels[title] = 10.0 * np.log10(np.maximum(power, 10.0 ** (DB_MIN / 10.0)))
    top = max(float(level.max()) for level in levels.values())
    vmin, vmax = max(top - 80.0, DB_MIN), top  # 80 dB of range below the loudest bin of any panel
    if ncols is not None:
        check_positive_int(ncols, "ncols", "a positive int")
    nrows, ncols, panel_width, panel_height = _panel_layout(len(levels), ncols, width, height, extra=0.9)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_width * ncols + 0.9, panel_height * nrows), squeeze=False, layout="constrained")
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
        _label_panel(ax, str(title), panel_width)
    for ax in list(axes.flat)[len(levels) :]:
        ax.set_visible(False)
    bar = fig.colorbar(image, ax=axes, format="%.0f")
    bar.set_label("level (dB)", fontsize=9)
    bar.ax.tick_params(labelsize=MIN_FONT_PT)
    return fig


def mel_panels(panels: Mapping[str, np.ndarray], title: str, sr: int):
    """Mel power spectrograms (n_mels, frames) side by side on one dB scale, 80 dB below the loudest bin of any; the Figure.

    At most three panels a row, as wide as ``MAX_WIDTH`` allows; the title wraps to the figure's width.
    """
    import librosa
    import librosa.display

    check_rate(sr)
    levels = {name: librosa.power_to_db(np.maximum(power, 0), ref=1.0, amin=1e-8) for name, power in panels.items()}
    top = max(level.max() for level in levels.values())
    nrows, ncols, panel_width, panel_height = _panel_layout(len(levels), None, 3.4, 3.0, extra=1.1)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(panel_width * ncols + 1.1, panel_height * nrows + 0.3), layout="constrained", sharey=True, squeeze=False
    )
    for k, (ax, (name, level)) in enumerate(zip(axes.flat, levels.items())):
        image = librosa.display.specshow(level, sr=sr, x_axis="s", y_axis="mel", cmap="magma", vmin=top - 80, vmax=top, ax=ax)
        _label_panel(ax, name, panel_width, ylabel="frequency (Hz)" if k % ncols == 0 else "")
    for ax in list(axes.flat)[len(levels) :]:
        ax.set_visible(False)
    bar = fig.colorbar(image, ax=axes, format="%+2.0f dB")
    bar.set_label("power (dB)", fontsize=9)
    bar.ax.tick_params(labelsize=MIN_FONT_PT)
    fig.suptitle(wrap(title, panel_width * ncols + 1.0), fontsize=TITLE_PT)
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
        raise ValueError("signals must be a non-empty mapping of label → audio")
    checked = {label: check_audio(audio, f"signal {label!r}") for label, audio in signals.items()}
    peak = max(float(np.abs(a).max()) for a in checked.values())
    scale = 1.0 / peak if peak > 0 else 1.0  # one factor for all: the loudest reaches full volume
    rows = [
        f"<tr><td style='padding-right:1em'>{escape(str(label))}</td><td>{player(a * scale, sr, normalize=False)._repr_html_()}</td></tr>"
        for label, a in checked.items()
    ]
    return HTML("<table>" + "".join(rows) + "</table>")


def settings_grid(record, noises, snrs, methods: Mapping[str, tuple[str, str]], measures: Mapping[str, str], title: str):
    """Each measure (a row of panels) against the input's SNR for each noise (a column), one line per method.

    ``record`` is a :class:`dae.results.Recorder` whose settings are named ``<noise>_<snr>dB``; ``methods`` maps a
    recorded method to its (colour, marker); ``measures`` maps a recorded measure to its axis label.
    """
    fig, axes = plt.subplots(
        len(measures), len(noises), figsize=(MAX_WIDTH, 2.2 * len(measures) + 0.6), sharex=True, sharey="row", squeeze=False, layout="constrained"
    )
    for col, kind in enumerate(noises):
        for row, (metric, label) in enumerate(measures.items()):
            ax = axes[row, col]
            for method, (colour, marker) in methods.items():
                ax.plot(snrs, [record.value(f"{kind}_{snr}dB", method, metric) for snr in snrs], marker=marker, color=colour, label=method)
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=MIN_FONT_PT)
            ax.set_title(kind if row == 0 else "", fontsize=10)
            ax.set_ylabel(label if col == 0 else "", fontsize=9)
    fig.supxlabel("SNR of the input (dB)", fontsize=10)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="upper center", bbox_to_anchor=(0.5, 0), ncols=2, fontsize=9)
    fig.suptitle(wrap(title, MAX_WIDTH), fontsize=TITLE_PT)
    return fig


def mask_panels(panels: Mapping[str, np.ndarray], title: str | None = None, sr: int = 8000, hop: int = HOP):
    """Masks or [0, 1] features (129, frames) stacked one above the other on one 0-1 colour scale (magma); the Figure."""
    if not isinstance(panels, Mapping) or not panels:
        raise ValueError("panels must be a non-empty mapping of title → (freq, frames) array in [0, 1]")
    sr = check_rate(sr)
    fig, axes = plt.subplots(len(panels), 1, figsize=(MAX_WIDTH, 1.9 * len(panels) + 0.4), layout="constrained", sharex=True, squeeze=False)
    axes = axes[:, 0]
    for ax, (name, values) in zip(axes, panels.items()):
        values = np.asarray(values)
        if values.ndim != 2:
            raise ValueError(f"panel {name!r} must be a (freq, frames) array, got shape {values.shape}")
        extent = (0, values.shape[1] * hop / sr, 0, sr / 2000)
        image = ax.imshow(values, origin="lower", aspect="auto", extent=extent, cmap="magma", vmin=0, vmax=1)
        _label_panel(ax, name, MAX_WIDTH, xlabel="time (s)" if ax is axes[-1] else "", ylabel="frequency (kHz)")
    bar = fig.colorbar(image, ax=axes, label="value on the 0-1 scale")
    bar.ax.tick_params(labelsize=MIN_FONT_PT)
    if title:
        fig.suptitle(wrap(title, MAX_WIDTH), fontsize=TITLE_PT)
    return fig


PIPELINE = ("noisy wave", "STFT", "log-magnitude", "network", "mask", "mask × noisy STFT", "inverse STFT", "denoised wave")


def pipeline_diagram(title: str | None = None):
    """The mask denoiser drawn: wave → STFT → log-magnitude → network → mask × noisy STFT → inverse STFT → wave.

    Two rows of boxes (``PIPELINE``, each box's gid ``"box"``), arrows between them (gid ``"flow"``) and one from
    the STFT to the multiplication, which keeps the noisy phase. Returns the Figure, ``MAX_WIDTH`` wide.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, ax = plt.subplots(figsize=(MAX_WIDTH, 2.9))
    top, bottom, box_w, box_h = 2.0, 0.55, 1.45, 0.55
    xs_top, xs_bottom = (0.9, 2.75, 4.6, 6.45), (6.45, 4.6, 2.75, 0.9)
    places = dict(zip(PIPELINE, [(x, top) for x in xs_top] + [(x, bottom) for x in xs_bottom]))
    colours = {"network": "#fdd0a2", "mask": "#c7e9c0", "noisy wave": "0.88", "denoised wave": "0.88"}
    for name, (x, y) in places.items():
        ax.add_patch(
            FancyBboxPatch(
                (x - box_w / 2, y - box_h / 2),
                box_w,
                box_h,
                boxstyle="round,pad=0.03",
                facecolor=colours.get(name, "#c6dbef"),
                edgecolor="0.3",
                gid="box",
            )
        )
        ax.text(x, y, name.replace(" × ", " ×\n"), ha="center", va="center", fontsize=9)  # the long step on two lines

    def arrow(a, b, label=None, dx=0.0, dy=0.0, ha="center"):
        (xa, ya), (xb, yb) = places[a], places[b]
        if ya == yb:
            start, end = (xa + np.sign(xb - xa) * box_w / 2, ya), (xb - np.sign(xb - xa) * box_w / 2, yb)
        else:
            start, end = (xa, ya - box_h / 2), (xb, yb + box_h / 2)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, color="0.25", lw=1.2, gid="flow"))
        if label:
            ax.text((start[0] + end[0]) / 2 + dx, (start[1] + end[1]) / 2 + dy, label, ha=ha, va="center", fontsize=8, color="0.25")

    for a, b in zip(PIPELINE, PIPELINE[1:]):
        arrow(a, b)
    arrow("STFT", "mask × noisy STFT", "noisy STFT,\nphase kept", dx=0.08, ha="left")
    ax.text(places["network"][0] + 0.08, (top + bottom) / 2, "one value in [0, 1]\nper bin", ha="left", va="center", fontsize=8, color="0.25")
    ax.set(xlim=(0, 7.35), ylim=(0.1, 2.45))
    ax.axis("off")
    if title:
        ax.set_title(wrap(title, MAX_WIDTH), fontsize=TITLE_PT)
    return fig


def traits_scatter(table, x: str = "loud (% of time)", y: str = "median pitch (Hz)", label: str = "label", title: str | None = None):
    """Each clip of ``table`` (a DataFrame, one row per clip) a point: ``y`` against ``x``, marked by ``label``; the Figure.

    ``y`` is drawn on a log scale; clips whose ``y`` is NaN (no clear pitch) sit on a strip below the axis.
    """
    for column in (x, y, label):
        if column not in table:
            raise ValueError(f"table has no column {column!r}; columns: {list(table.columns)}")
    styles = {"cat": ("C1", "o"), "dog": ("C0", "s"), "speech": ("k", "*")}
    fig, (ax, strip) = plt.subplots(2, 1, figsize=(5.2, 4.0), height_ratios=(5, 1), sharex=True, layout="constrained")
    for name, group in table.groupby(label, sort=False):
        colour, marker = styles.get(name, ("C2", "D"))
        pitched, unpitched = group[group[y].notna()], group[group[y].isna()]
        ax.scatter(pitched[x], pitched[y], color=colour, marker=marker, s=60 if marker == "*" else 36, label=name)
        strip.scatter(unpitched[x], np.zeros(len(unpitched)), color=colour, marker=marker, s=36, facecolors="none")
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ScalarFormatter())  # 200, not 2 x 10^2
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks([t for t in (50, 100, 200, 500, 1000, 2000) if table[y].min() / 1.5 <= t <= table[y].max() * 1.5])
    ax.set_ylabel(y, fontsize=9)
    ax.legend(fontsize=9, loc="center right")
    strip.set_yticks([0], ["no clear\npitch"])
    strip.set_xlabel(x, fontsize=9)
    for a in (ax, strip):
        a.grid(alpha=0.3)
        a.tick_params(labelsize=MIN_FONT_PT)
    if title:
        fig.suptitle(wrap(title, 5.2), fontsize=TITLE_PT)
    return fig
