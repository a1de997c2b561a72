"""The sound slider: move the SNR of a sound, listen to each denoiser's output and read its SI-SDR.

``audio_frame`` computes what one slider position holds: the clip with noise at one SNR, each denoiser's
output and each signal's SI-SDR against the clean clip. ``static_audio`` calls it over a grid of SNRs ahead
of time and packs the results into one self-contained HTML block (a range slider, players holding WAV data
URIs, spectrogram PNGs on one colour scale, plain JavaScript, no server), so the built book, where no Python
runs, plays the same clips. Its styles and script are ``static/audio.css`` and ``static/audio.js`` (with the
shared ``static/block.css``).
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Callable, Mapping

import numpy as np

from .. import audio_metrics
from .._checks import check_audio, check_audio_pair, check_rate
from ..sound import mix_at_snr
from ..spectrogram import DB_MIN, stft
from ._html import block, block_uid, data_uri, range_control, styles

# The sound slider's default grid of input SNRs in dB.
AUDIO_SNRS = (-5, 0, 5, 10, 15)
NOISY_NAME = "noisy input"  # the label of the unprocessed mixture among a frame's signals
SPECTROGRAM_SIZE = (3.2, 2.0)  # inches, for the static block's pictures
SPECTROGRAM_DPI = 90  # 288 x 180 pixels: two panels a row in the book's column, one on a phone, players wide enough to use
SPECTROGRAM_FONT_PT = 8  # 10 px at this dpi, shown at its own size
SPECTROGRAM_RANGE_DB = 80.0  # colours span this many dB below the loudest bin, as in dae.sound_plots.plot_spectrograms


def si_sdr_text(score: float) -> str:
    """How the sound slider labels an SI-SDR in dB: 'SI-SDR 3.2 dB'."""
    return "SI-SDR inf" if not np.isfinite(score) else f"SI-SDR {score:.1f} dB"


def snr_text(snr_db: float) -> str:
    """How the sound slider labels an input SNR: '-5 dB', '2.5 dB'."""
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


def _check_pair(clean, noise) -> tuple[np.ndarray, np.ndarray]:
    """Both signals checked (1-D, floating point, finite) and of one length, as float32."""
    clean, noise = check_audio_pair(clean, noise, ("clean", "noise"))
    return clean.astype(np.float32), noise.astype(np.float32)


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

    noisy = clean + noise scaled to ``snr_db`` (``dae.sound.mix_at_snr``), float32. Each denoiser maps that
    noisy signal (samples,) to an output of the same length. Returns {'snr_db', 'noisy', 'outputs': {name: audio},
    'si_sdr': {'noisy input': dB, name: dB, ...}}, each SI-SDR measured against ``clean``.
    """
    clean, noise = _check_pair(clean, noise)
    check_rate(sr)
    denoisers = _check_denoisers(denoisers)
    noisy = mix_at_snr(clean, noise, snr_db)
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
        outputs[name] = check_audio(out, f"output of denoiser {name!r}").astype(np.float32)
    scores = {NOISY_NAME: audio_metrics.si_sdr(clean, noisy)}
    scores.update({name: audio_metrics.si_sdr(clean, out) for name, out in outputs.items()})
    return {"snr_db": float(snr_db), "noisy": noisy, "outputs": outputs, "si_sdr": scores}


def _frame_signals(frame_: dict) -> dict[str, np.ndarray]:
    """A frame's signals in the order the sliders show them: the noisy input, then each output."""
    return {NOISY_NAME: frame_["noisy"], **frame_["outputs"]}


def static_audio_frames(clean, noise, denoisers: Mapping[str, Callable[[np.ndarray], np.ndarray]], sr: int, snrs=AUDIO_SNRS) -> dict:
    """Every position of a static sound slider, computed with ``audio_frame``.

    clean and noise (samples,) floats at ``sr`` Hz, snrs increasing dB -> {'snrs': [...], 'names': ['noisy input',
    *denoisers], 'sr': sr, 'clean': clean, 'frames': [audio_frame(...) for each snr]}.
    """
    clean, noise = _check_pair(clean, noise)
    sr = check_rate(sr)
    denoisers = _check_denoisers(denoisers)
    snrs = _check_snrs(snrs)
    frames = [audio_frame(clean, noise, denoisers, snr, sr) for snr in snrs]
    return {"snrs": snrs, "names": [NOISY_NAME, *denoisers], "sr": sr, "clean": clean, "frames": frames}


def wav_data_uri(samples, sr: int, peak: float | None = None) -> str:
    """Mono float samples (samples,) divided by ``peak`` -> a 'data:audio/wav;base64,...' URI of a 16-bit PCM WAV.

    ``peak`` defaults to the samples' own largest magnitude: the bytes are then those of
    ``dae.sound_plots.player(samples, sr)`` (``IPython.display.Audio`` with normalize=True: samples / peak * 32767,
    truncated to int16). A larger shared ``peak`` plays several clips at one loudness; a smaller one is an error.
    """
    import wave

    sr = check_rate(sr)
    samples = check_audio(samples, "samples").astype(np.float64)
    largest = float(np.abs(samples).max())
    if peak is None:
        peak = largest if largest > 0 else 1.0  # a silent clip plays as it is, as in dae.sound_plots.player
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
    return data_uri("audio/wav", buffer.getvalue())


def _spectrogram_db(samples) -> np.ndarray:
    """STFT power of ``samples`` in dB (the frames of ``dae.spectrogram.stft``), floored at ``dae.spectrogram.DB_MIN``."""
    power = np.abs(stft(samples)) ** 2
    return 10.0 * np.log10(np.maximum(power, 10.0 ** (DB_MIN / 10.0)))


class _SpectrogramPictures:
    """Small spectrogram PNGs on one dB colour scale, drawn on one reused figure so each costs one save."""

    def __init__(self, first: np.ndarray, sr: int, seconds: float, vmin: float, vmax: float):
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
        from PIL.PngImagePlugin import PngInfo

        from ..figure_text import PNG_DPI_KEY, PNG_FONT_KEY, smallest_font_pt

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
        ax.set_xlabel("time (s)", fontsize=SPECTROGRAM_FONT_PT, labelpad=1)
        ax.set_ylabel("frequency (kHz)", fontsize=SPECTROGRAM_FONT_PT, labelpad=1)
        ax.tick_params(labelsize=SPECTROGRAM_FONT_PT, length=2, pad=1)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(4))
        self.fig.tight_layout(pad=0.25)
        # As dae.plots records in a notebook's figures: the dpi and smallest text, for the book's browser test.
        self.info = PngInfo()
        self.info.add_text(PNG_DPI_KEY, f"{SPECTROGRAM_DPI:g}")
        self.info.add_text(PNG_FONT_KEY, f"{smallest_font_pt(self.fig):g}")

    def png(self, level: np.ndarray) -> str:
        from PIL import Image

        self.image.set_data(level)
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png", dpi=SPECTROGRAM_DPI)
        # 64 colours hold magma and the black labels: the palette PNG is under a third of the RGBA one and looks the same.
        picture = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG", optimize=True, pnginfo=self.info)
        return data_uri("image/png", buffer.getvalue())


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
    One loudness factor for the whole block (the loudest sample of any clip at full scale, as ``dae.sound_plots.players``
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
    vmin = max(top - SPECTROGRAM_RANGE_DB, DB_MIN)
    pictures = _SpectrogramPictures(clean_level, sr, len(clean) / sr, vmin, top)
    labels = [snr_text(s) for s in snrs]
    frames = [
        [[wav_data_uri(s, sr, peak), pictures.png(level), si_sdr_text(f["si_sdr"][name])] for (name, s), level in zip(signals.items(), row)]
        for f, signals, row in zip(data["frames"], per_frame, levels)
    ]
    clean_wav, clean_png = wav_data_uri(clean, sr, peak), pictures.png(clean_level)
    first, frames[start] = frames[start], None  # the markup holds the starting position; the script reads it back
    text = json.dumps({"snrs": labels, "names": names, "frames": frames}, separators=(",", ":"))
    uid = block_uid(text)
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
    css = styles(uid, "block.css", "audio.css", figure_width=width + 12, image_width=width)
    controls = range_control(uid, "snr", "input SNR", len(snrs), start, labels[start])
    return block(uid, "SNR slider for sound", css, controls, panels, caption, text, "audio.js", kind="audio")


def static_audio(clean, noise, denoisers: Mapping[str, Callable[[np.ndarray], np.ndarray]], sr: int, **options):
    """``static_audio_html`` wrapped for display in a notebook: the sound slider that works in the built book too."""
    from IPython.display import HTML

    return HTML(static_audio_html(clean, noise, denoisers, sr, **options))
