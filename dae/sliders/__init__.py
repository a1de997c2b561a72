"""Noise sliders: move the noise type and level, watch each denoiser's output and its PSNR; or move the
SNR of a sound, listen to each denoiser's output and read its SI-SDR.

``images`` holds the digit slider (``frame``, ``draw_frame``, the ``live`` ipywidgets slider, the ``static``
HTML block), ``sounds`` the sound slider (``audio_frame`` and the ``static_audio`` HTML block with players and
spectrograms), ``_html`` the block both static sliders share and the files under ``static/`` (their CSS and
JavaScript). Each static block is self-contained (data URIs, a range slider, plain JavaScript, no server), so
the built book, where no Python runs, shows the frames computed when the page ran. The names below are the
package's interface: ``dae.sliders.static(...)``, ``dae.sliders.frame(...)`` and so on.
"""

from .images import NOISES, STATIC_LEVELS, draw_frame, frame, live, png_data_uri, psnr_text, static, static_frames, static_html
from .sounds import (
    AUDIO_SNRS,
    NOISY_NAME,
    SPECTROGRAM_DPI,
    SPECTROGRAM_RANGE_DB,
    SPECTROGRAM_SIZE,
    audio_frame,
    si_sdr_text,
    snr_text,
    static_audio,
    static_audio_frames,
    static_audio_html,
    wav_data_uri,
)

__all__ = [
    "AUDIO_SNRS",
    "NOISES",
    "NOISY_NAME",
    "SPECTROGRAM_DPI",
    "SPECTROGRAM_RANGE_DB",
    "SPECTROGRAM_SIZE",
    "STATIC_LEVELS",
    "audio_frame",
    "draw_frame",
    "frame",
    "live",
    "png_data_uri",
    "psnr_text",
    "si_sdr_text",
    "snr_text",
    "static",
    "static_audio",
    "static_audio_frames",
    "static_audio_html",
    "static_frames",
    "static_html",
    "wav_data_uri",
]
