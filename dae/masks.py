"""Denoising sound by masking its spectrogram: a mask is a (129, frames) float32 array in [0, 1] that multiplies the
noisy STFT bin by bin; here are the oracle masks (ideal ratio, phase-sensitive), a mask model's input and training
patches, masks predicted patch by patch, the two ways back to sound (the noisy phase, or Griffin-Lim), and spectral
gating, the classical mask."""

from __future__ import annotations

import numpy as np

from . import _checks
from ._checks import check_audio, check_audio_pair, check_patch_steps, check_rate, unit_rms
from .sound import NOISE_KINDS, SAMPLE_RATE, make_noise, scale_to_snr
from .spectrogram import N_FFT, N_MELS, inverse_mel_log_power, istft, normalise, overlap_add, patches, stft, stft_log_magnitude

FEATURE_RMS = 0.05  # every noisy input is brought to this RMS before its features are taken
# noisereduce's default 1024-sample frames are 128 ms at 8 kHz; 512 (64 ms) follows speech better.
GATING_N_FFT = 512


# --- the oracle masks --------------------------------------------------------------------------


def ratio_mask(clean, noise) -> np.ndarray:
    """The ideal ratio mask ``sqrt(|S|^2 / (|S|^2 + |N|^2))`` of the clean and noise STFTs: float32 (freq, frames) in [0, 1]."""
    clean, noise = check_audio_pair(clean, noise)
    speech, interference = np.abs(stft(clean)) ** 2, np.abs(stft(noise)) ** 2
    total = speech + interference
    with np.errstate(invalid="ignore", divide="ignore"):
        mask = np.where(total > 0, np.sqrt(speech / total), 0.0)  # where both are silent, keep nothing
    return mask.astype(np.float32)


def ideal_ratio_mask(clean, noise) -> np.ndarray:
    """Oracle: the noisy STFT (clean + noise) times the ideal ratio mask, back to float32 audio of the same length.

    It needs the clean signal, so it is an upper bound for models that mask the noisy spectrogram, not a method.
    """
    clean, noise = check_audio(clean, "clean"), check_audio(noise, "noise")
    mask = ratio_mask(clean, noise)
    noisy = clean.astype(np.float64) + noise.astype(np.float64)
    return istft(mask * stft(noisy.astype(np.float32)), len(clean))


def phase_sensitive_mask(clean, noise) -> np.ndarray:
    """The best real mask for the noisy phase: ``Re(S conj(Y)) / |Y|^2`` clipped to [0, 1], with Y = S + N; float32 (129, frames).

    Multiplying the noisy STFT by it gives the closest signal to the clean one (in squared error) that any
    mask in [0, 1] can give while keeping the noisy phase. Where the noisy STFT is zero, the mask is 0.
    """
    clean, noise = check_audio_pair(clean, noise)
    speech = stft(clean)
    noisy = speech + stft(noise)  # the STFT is linear: this is the STFT of clean + noise
    power = np.abs(noisy) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        mask = np.where(power > 0, np.real(speech * np.conj(noisy)) / power, 0.0)
    return np.clip(mask, 0.0, 1.0).astype(np.float32)


def ideal_phase_sensitive_mask(clean, noise) -> np.ndarray:
    """Oracle: the noisy STFT (clean + noise) times the phase-sensitive mask, back to float32 audio of the same length.

    The best any mask in [0, 1] can do while keeping the noisy phase; like :func:`ideal_ratio_mask`, a yardstick.
    """
    clean, noise = check_audio(clean, "clean"), check_audio(noise, "noise")
    mask = phase_sensitive_mask(clean, noise)
    noisy = clean.astype(np.float64) + noise.astype(np.float64)
    return istft(mask * stft(noisy.astype(np.float32)), len(clean))


# The training targets a mask model can learn: name -> function of (clean, noise) giving a (129, frames) mask.
TARGETS = {"phase-sensitive": phase_sensitive_mask, "ratio": ratio_mask}


# --- a mask model's input and its training data ------------------------------------------------


def scale_to_rms(audio, rms: float = FEATURE_RMS) -> np.ndarray:
    """``audio`` times the one gain that makes its RMS equal ``rms``; float32, same length."""
    audio = check_audio(audio)
    if not (np.isfinite(rms) and rms > 0):
        raise ValueError(f"rms must be a positive number, got {rms!r}")
    return (unit_rms(audio, "audio") * np.float32(rms)).astype(np.float32)


def mask_features(noisy) -> np.ndarray:
    """A mask model's input: the STFT log-magnitude of ``noisy`` brought to ``FEATURE_RMS`` first; float32 (129, frames).

    A mask is applied to the noisy signal as it is, so the input's loudness carries no information; fixing it
    spares the model from learning every recording level.
    """
    return stft_log_magnitude(scale_to_rms(noisy))


def training_patches(
    utterances, pools, width: int, seed, snr_range=(-7.5, 12.5), kinds=NOISE_KINDS, sr: int = SAMPLE_RATE, target: str = "phase-sensitive"
):
    """One fresh random mixture per clean utterance, cut into patches: (features, masks), each (N, 129, width).

    For each utterance a noise kind is drawn from ``kinds`` and an SNR uniformly from ``snr_range`` (dB);
    ``pools[k]`` is the babble pool of utterance ``k`` (other speakers' recordings). The features are
    :func:`mask_features` of the mixture, the targets its mask named by ``target`` (a key of ``TARGETS``:
    :func:`phase_sensitive_mask` or :func:`ratio_mask`); both are cut into non-overlapping patches from a
    random first frame, so each call shows the model new noise and new cuts.
    """
    rng, (low, high), width = _check_training_patches(utterances, pools, width, seed, snr_range, kinds)
    if target not in TARGETS:
        raise ValueError(f"target must be one of {sorted(TARGETS)}, got {target!r}")
    features, masks = [], []
    for clean, pool in zip(utterances, pools):
        kind = kinds[rng.integers(len(kinds))]
        noise = make_noise(kind, len(clean), sr, int(rng.integers(2**31)), pool)
        noise = scale_to_snr(clean, noise, float(rng.uniform(low, high)))
        feature, mask = mask_features(clean + noise), TARGETS[target](clean, noise)
        start = int(rng.integers(min(width, feature.shape[1])))
        features.append(patches(feature[:, start:], width, width))
        masks.append(patches(mask[:, start:], width, width))
    return np.concatenate(features), np.concatenate(masks)


# --- predicted masks and the ways back to sound ------------------------------------------------


def predict_masks(predict, features, width: int, hop: int) -> list[np.ndarray]:
    """Masks for several spectrograms in one call of ``predict`` ((N, 129, width) patches -> masks of that shape).

    Each (129, frames) spectrogram in ``features`` is cut into :func:`patches` every ``hop`` frames; all patches
    go through ``predict`` together (one call, so a Keras model's fixed cost is paid once) and are put back
    with :func:`overlap_add`. Returns one float32 mask in [0, 1] per spectrogram, of its shape.
    """
    features = [np.asarray(f) for f in features]
    if not features:
        raise ValueError("features is empty")
    cut = [patches(f, width, hop) for f in features]
    out = np.asarray(predict(np.concatenate(cut)))
    if out.ndim == 4 and out.shape[-1] == 1:
        out = out[..., 0]
    total = sum(len(c) for c in cut)
    if out.shape != (total, *cut[0].shape[1:]):
        raise ValueError(f"predict returned shape {out.shape} for {total} patches of shape {cut[0].shape[1:]}")
    _check_mask_values(out, "predict's output")
    masks, begin = [], 0
    for f, c in zip(features, cut):
        masks.append(np.clip(overlap_add(out[begin : begin + len(c)], hop, f.shape[1]), 0.0, 1.0))
        begin += len(c)
    return masks


def apply_mask(mask, noisy) -> np.ndarray:
    """Back to sound through the inverse STFT: ``mask`` (129, frames) times the noisy STFT, noisy phase kept; float32, same length."""
    noisy = check_audio(noisy, "noisy")
    spec = stft(noisy)
    mask = np.asarray(mask)
    if mask.shape != spec.shape:
        raise ValueError(f"mask has shape {mask.shape} but the noisy STFT has shape {spec.shape}")
    _check_mask_values(mask, "mask")
    return istft(mask * spec, len(noisy))


def mask_to_mel_audio(mask, noisy, seed: int = 0) -> np.ndarray:
    """Back to sound as the one-clip recipe goes: the masked magnitude as a mel spectrogram, then ``mel_to_stft``
    and Griffin-Lim; float32.

    The noisy phase is thrown away with the linear frequencies; Griffin-Lim (seeded) invents a new phase.
    """
    import librosa

    noisy = check_audio(noisy, "noisy")
    magnitude = np.abs(stft(noisy))
    mask = np.asarray(mask)
    if mask.shape != magnitude.shape:
        raise ValueError(f"mask has shape {mask.shape} but the noisy STFT has shape {magnitude.shape}")
    _check_mask_values(mask, "mask")
    mel = librosa.feature.melspectrogram(S=(mask * magnitude) ** 2, sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS)
    return inverse_mel_log_power(normalise(mel, power=True), len(noisy), seed=seed)


# --- the classical reference -------------------------------------------------------------------


def spectral_gating(noisy, sr: int, **kwargs) -> np.ndarray:
    """Stationary spectral gating (noisereduce): the noise profile is estimated from ``noisy`` itself; float32, same length.

    ``kwargs`` go to ``noisereduce.reduce_noise`` (for example ``prop_decrease``, ``n_std_thresh_stationary``).
    """
    import noisereduce

    noisy = check_audio(noisy, "noisy")
    sr = check_rate(sr)
    options = {"stationary": True, "n_fft": GATING_N_FFT} | kwargs
    if len(noisy) < options["n_fft"]:
        raise ValueError(
            f"noisy has {len(noisy)} samples, fewer than spectral gating's window of {options['n_fft']} ({options['n_fft'] / sr * 1000:.0f} ms)"
        )
    out = noisereduce.reduce_noise(y=noisy.astype(np.float32), sr=sr, **options)
    return np.asarray(out, dtype=np.float32)[: len(noisy)]


# --- argument checks ---------------------------------------------------------------------------


def _check_mask_values(mask: np.ndarray, name: str) -> None:
    """Raise unless every value of ``mask`` is a finite number in [0, 1] (a mask only keeps part of each bin)."""
    if not np.all(np.isfinite(mask)):
        raise ValueError(f"{name} contains NaN or infinite values; a mask must lie in [0, 1] (did the model diverge?)")
    if mask.size and (mask.min() < 0 or mask.max() > 1):
        raise ValueError(f"{name} must lie in [0, 1], got values from {float(mask.min()):.4g} to {float(mask.max()):.4g}")


def _check_training_patches(utterances, pools, width, seed, snr_range, kinds) -> tuple[np.random.Generator, tuple[float, float], int]:
    """The checked arguments of :func:`training_patches`: its random generator, the SNR range and the patch width."""
    rng = _checks.rng(seed)
    if len(utterances) == 0 or len(pools) != len(utterances):
        raise ValueError(f"need a babble pool per utterance, got {len(utterances)} utterances and {len(pools)} pools")
    unknown = [k for k in kinds if k not in NOISE_KINDS]
    if not kinds or unknown:
        raise ValueError(f"kinds must be some of {NOISE_KINDS}, got {kinds!r}")
    low, high = snr_range
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ValueError(f"snr_range must be (low, high) dB with low <= high, got {snr_range!r}")
    width, _ = check_patch_steps(width, width)
    return rng, (low, high), width
