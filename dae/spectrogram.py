"""Sound as a picture and back: the STFT and its inverse, a fixed decibel scale mapped to [0, 1], log-magnitude and
mel features with their inverses (the noisy phase, or Griffin-Lim), and fixed-width patches for a convolutional
network; every feature is a (frequency, time) array made with the module constants below, chosen for 8 kHz speech,
so the features of one signal and their inverse line up sample for sample."""

from __future__ import annotations

import inspect

import numpy as np

from ._checks import check_audio, check_length, check_patch_steps, check_rate
from .sound import SAMPLE_RATE

N_FFT = 256  # 32 ms frames: two or three pitch periods, 129 frequency bins of 31.25 Hz
HOP = 64  # 8 ms, 75 % overlap: enough redundancy for Griffin-Lim and for overlap-add
WINDOW = "hann"
N_MELS = 64  # every mel filter still spans two or more of the 129 bins (at 80, five would hold one bin)
# The fixed decibel scale that normalise() maps to [0, 1]. -80 dB is about the 16-bit quantisation
# floor of one STFT bin; +40 dB is near the largest bin a full-scale signal can give (sum of the window, 42 dB).
DB_MIN, DB_MAX = -80.0, 40.0
GRIFFIN_LIM_ITERS = 64


def stft(audio, n_fft: int = N_FFT, hop: int = HOP) -> np.ndarray:
    """Complex STFT of ``audio``: shape (n_fft // 2 + 1, 1 + len // hop), Hann window, frames centred."""
    import librosa

    audio = check_audio(audio)
    return librosa.stft(audio.astype(np.float32), n_fft=n_fft, hop_length=hop, window=WINDOW, center=True)


def istft(spec, length: int, hop: int = HOP) -> np.ndarray:
    """Inverse of :func:`stft`: a complex (freq, time) array -> float32 audio of exactly ``length`` samples."""
    import librosa

    spec = np.asarray(spec)
    if spec.ndim != 2 or not np.iscomplexobj(spec):
        raise ValueError(f"spec must be a complex (freq, time) STFT, got {spec.dtype} of shape {spec.shape}")
    n_fft = 2 * (spec.shape[0] - 1)
    return librosa.istft(spec, hop_length=hop, n_fft=n_fft, window=WINDOW, center=True, length=check_length(length)).astype(np.float32)


# --- the fixed decibel scale -------------------------------------------------------------------


def normalise(values, power: bool = False) -> np.ndarray:
    """Magnitudes (or powers, ``power=True``) -> their level in dB on the fixed scale DB_MIN..DB_MAX mapped to 0..1.

    Levels below DB_MIN become 0; levels above DB_MAX exceed 1 (only a near-full-scale signal reaches it).
    Float32, same shape. :func:`denormalise` inverts it exactly for levels at or above DB_MIN.
    """
    values = np.asarray(values)
    if np.iscomplexobj(values) or not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("normalise expects finite, non-negative magnitudes or powers (take np.abs of an STFT first)")
    floor = 10.0 ** (DB_MIN / (10.0 if power else 20.0))
    db = (10.0 if power else 20.0) * np.log10(np.maximum(values.astype(np.float64), floor))
    return ((db - DB_MIN) / (DB_MAX - DB_MIN)).astype(np.float32)


def denormalise(unit, power: bool = False) -> np.ndarray:
    """Inverse of :func:`normalise`: values on the 0..1 scale -> magnitudes (or powers); 0 gives the DB_MIN floor."""
    unit = np.asarray(unit, dtype=np.float64)
    if not np.all(np.isfinite(unit)):
        raise ValueError("denormalise got NaN or infinite values")
    db = DB_MIN + unit * (DB_MAX - DB_MIN)
    return (10.0 ** (db / (10.0 if power else 20.0))).astype(np.float32)


# --- features and their inverses ---------------------------------------------------------------


def stft_log_magnitude(audio) -> np.ndarray:
    """``audio`` -> its STFT magnitude on the normalised dB scale: float32 (129, frames), mostly in [0, 1]."""
    return normalise(np.abs(stft(audio)))


def _phase_of(phase_from) -> np.ndarray:
    phase_from = np.asarray(phase_from)
    spec = phase_from if np.iscomplexobj(phase_from) else stft(phase_from)
    return np.exp(1j * np.angle(spec))


def inverse_stft_log_magnitude(features, phase_from, length: int | None = None) -> np.ndarray:
    """Normalised log-magnitude features + the phase of ``phase_from`` (the noisy audio, or its complex STFT) -> float32 audio.

    ``length`` defaults to the length of ``phase_from`` when it is audio; give it when passing an STFT.
    """
    features = np.asarray(features)
    phase = _phase_of(phase_from)
    if features.shape != phase.shape:
        raise ValueError(f"features have shape {features.shape} but the phase source's STFT has shape {phase.shape}")
    if length is None:
        if np.iscomplexobj(phase_from):
            raise ValueError("give length (in samples) when phase_from is an STFT rather than audio")
        length = len(phase_from)
    return istft(denormalise(features) * phase, length)


def mel_log_power(audio, sr: int = SAMPLE_RATE, n_mels: int = N_MELS) -> np.ndarray:
    """``audio`` -> its mel power spectrogram on the normalised dB scale: float32 (n_mels, frames), mostly in [0, 1]."""
    import librosa

    sr = check_rate(sr)
    power = np.abs(stft(audio)) ** 2
    mel = librosa.feature.melspectrogram(S=power, sr=sr, n_fft=N_FFT, n_mels=n_mels)
    return normalise(mel, power=True)


def inverse_mel_log_power(features, length: int, sr: int = SAMPLE_RATE, n_iter: int = GRIFFIN_LIM_ITERS, seed: int = 0) -> np.ndarray:
    """Normalised mel features -> float32 audio of ``length`` samples: ``mel_to_stft`` (NNLS) then Griffin-Lim.

    Griffin-Lim starts from random phases drawn from ``seed``, so the result is reproducible.
    """
    import librosa

    features = np.asarray(features)
    if features.ndim != 2:
        raise ValueError(f"features must be a (n_mels, frames) array, got shape {features.shape}")
    sr = check_rate(sr)
    magnitude = librosa.feature.inverse.mel_to_stft(denormalise(features, power=True), sr=sr, n_fft=N_FFT, power=2.0)
    # librosa 1.0 renamed random_state to rng; both take a NumPy Generator and draw the same phases from it.
    seed_keyword = "rng" if "rng" in inspect.signature(librosa.griffinlim).parameters else "random_state"
    audio = librosa.griffinlim(
        magnitude,
        n_iter=n_iter,
        hop_length=HOP,
        n_fft=N_FFT,
        window=WINDOW,
        center=True,
        length=check_length(length),
        init="random",
        **{seed_keyword: np.random.default_rng(seed)},
    )
    return audio.astype(np.float32)


# --- patches for a convolutional network -------------------------------------------------------


def patches(spec, width: int, hop: int, pad_value: float = 0.0) -> np.ndarray:
    """A (freq, time) spectrogram -> (N, freq, width) patches starting every ``hop`` frames.

    The end is padded with ``pad_value`` (0 is silence on the normalised scale) so every frame is covered;
    :func:`overlap_add` puts the patches back together.
    """
    spec = np.asarray(spec)
    if spec.ndim != 2:
        raise ValueError(f"spec must be a (freq, time) array, got shape {spec.shape}")
    width, hop = check_patch_steps(width, hop)
    frames = spec.shape[1]
    count = 1 + -(-max(frames - width, 0) // hop)  # ceil division: the last patch reaches the end
    padded_len = (count - 1) * hop + width
    padded = np.full((spec.shape[0], padded_len), pad_value, dtype=spec.dtype)
    padded[:, :frames] = spec
    starts = np.arange(count) * hop
    index = starts[:, None] + np.arange(width)[None, :]
    return np.ascontiguousarray(padded[:, index].transpose(1, 0, 2))


def overlap_add(patch_batch, hop: int, length: int) -> np.ndarray:
    """Inverse of :func:`patches`: (N, freq, width) or (N, freq, width, 1) -> (freq, length), overlaps averaged."""
    patch_batch = np.asarray(patch_batch)
    if patch_batch.ndim == 4 and patch_batch.shape[-1] == 1:  # a Keras model's output with its channel axis
        patch_batch = patch_batch[..., 0]
    if patch_batch.ndim != 3:
        raise ValueError(f"patches must have shape (N, freq, width) or (N, freq, width, 1), got {patch_batch.shape}")
    count, bins, width = patch_batch.shape
    if count == 0:
        raise ValueError(f"patches is empty (shape {patch_batch.shape}): there is nothing to put back together")
    width, hop = check_patch_steps(width, hop)
    covered = (count - 1) * hop + width
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or not 1 <= length <= covered:
        raise ValueError(f"length must be an int from 1 to {covered} (what {count} patches cover), got {length!r}")
    total = np.zeros((bins, covered), dtype=np.float64)
    weight = np.zeros(covered, dtype=np.float64)
    for k in range(count):
        total[:, k * hop : k * hop + width] += patch_batch[k]
        weight[k * hop : k * hop + width] += 1.0
    return (total / weight)[:, :length].astype(np.float32)
