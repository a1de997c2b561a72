"""Sound as the chapters show it: spectrograms side by side, mel panels, a grid of measures against the input's
SNR, and audio players that work in a static page (each figure returned as a Figure). Figures keep the sizes and
text of :mod:`dae.plots`."""

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
