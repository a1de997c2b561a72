"""Sound quality measures: SI-SDR, STOI, narrow-band PESQ and log-spectral distance, one pair or a batch at a time.

``evaluate`` returns the means under the names the results record uses (``si_sdr_db``, ``stoi``, ``pesq``,
``lsd_db``). STOI and PESQ model how people hear *speech*; for other sounds use SI-SDR and the
log-spectral distance (``measures=SOUND_MEASURES``).
When a measure is undefined for a pair (PESQ finds no speech, a signal is too short or silent) the functions
raise ValueError naming the cause, and the batch functions name the pair; they never return NaN, because a
mean that silently skips pairs would not be the mean of the test set.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from ._checks import check_audio_pair, check_rate
from .sound import resample
from .spectrogram import stft

PESQ_RATE = 8000  # narrow-band PESQ (ITU-T P.862) is defined at 8 kHz
SPEECH_MEASURES = ("si_sdr_db", "stoi", "pesq")
SOUND_MEASURES = ("si_sdr_db", "lsd_db")
LSD_FLOOR_DB = 80.0  # spectrogram levels more than this far below the reference's loudest bin count as silence


def _pair(reference, estimate) -> tuple[np.ndarray, np.ndarray]:
    reference, estimate = check_audio_pair(reference, estimate, ("reference", "estimate"))
    return reference.astype(np.float64), estimate.astype(np.float64)


def si_sdr(reference, estimate) -> float | np.ndarray:
    """Scale-invariant signal-to-distortion ratio in dB (Le Roux et al. 2019), both signals made zero-mean.

    ``estimate`` is projected on ``reference``: target = a * ref with a = <est, ref> / <ref, ref>, and
    SI-SDR = 10 log10(|target|^2 / |est - target|^2). Scaling the estimate does not change it. 1-D inputs give a
    float; (N, samples) batches give N values. An exact copy gives a very large finite value (about 150 dB or
    more), not inf, so results stay recordable.

    A constant estimate (silence, or a constant offset: nothing left once its mean is removed) raises
    ValueError. Its SI-SDR would be 0 dB, which is better than a real denoiser scores on noisy input below
    0 dB, so scoring it would let an output that removed everything, speech included, win.
    """
    reference, estimate = np.asarray(reference), np.asarray(estimate)
    if reference.ndim == 2 or estimate.ndim == 2:
        if reference.shape != estimate.shape:
            raise ValueError(f"reference and estimate batches must have the same shape, got {reference.shape} and {estimate.shape}")
        return np.array([si_sdr(r, e) for r, e in zip(reference, estimate)])
    reference, estimate = _pair(reference, estimate)
    reference = reference - reference.mean()
    estimate = estimate - estimate.mean()
    ref_energy = np.dot(reference, reference)
    if ref_energy == 0:
        raise ValueError("reference is constant (silent after removing its mean): SI-SDR is undefined")
    if not np.any(estimate):
        raise ValueError("estimate is constant (silent after removing its mean): SI-SDR refuses it rather than score silence at 0 dB")
    target = (np.dot(estimate, reference) / ref_energy) * reference
    distortion = estimate - target
    eps = np.finfo(np.float64).eps  # keeps an exact copy finite
    return float(10.0 * np.log10((np.dot(target, target) + eps) / (np.dot(distortion, distortion) + eps)))


def stoi(reference, estimate, sr: int) -> float:
    """Short-time objective intelligibility (Taal et al. 2011) via pystoi: about 0.4 (unintelligible) to 1.

    pystoi resamples to 10 kHz itself. It needs about 0.4 s of non-silent speech; with less it would warn and
    return 1e-5 (or fail inside), which is turned into a ValueError here, as is a silent reference (all zeros),
    for which pystoi would return 0.
    """
    from pystoi import stoi as _stoi

    reference, estimate = _pair(reference, estimate)
    sr = check_rate(sr)
    if not np.any(reference):
        raise ValueError("reference is silent (all zeros): STOI is undefined without speech to compare with")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = _stoi(reference, estimate, sr, extended=False)
        except (ValueError, IndexError) as err:  # numpy's AxisError on inputs shorter than one frame
            raise ValueError(
                f"STOI is undefined here: the signals ({len(reference) / sr:.3f} s) are too short; "
                f"it needs about 0.4 s of speech ({type(err).__name__}: {err})"
            ) from err
    for warning in caught:
        if "Not enough STFT frames" in str(warning.message):
            raise ValueError(
                f"STOI is undefined here: after removing silent frames the reference ({len(reference) / sr:.2f} s) "
                "has fewer than the 30 frames (about 0.4 s of speech) STOI needs"
            )
    return float(value)


def pesq_nb(reference, estimate, sr: int = PESQ_RATE) -> float:
    """Narrow-band PESQ (ITU-T P.862, the ``pesq`` package in 'nb' mode): about 1 (bad) to 4.5 (no distortion).

    Signals at another rate are resampled to 8 kHz first. The pesq library's errors (no speech found in the
    reference, less than 0.25 s of audio) and a silent estimate, which it cannot score, raise ValueError.
    """
    import pesq as _pesq

    reference, estimate = _pair(reference, estimate)
    sr = check_rate(sr)
    if sr != PESQ_RATE:
        reference = resample(reference, sr, PESQ_RATE).astype(np.float64)
        estimate = resample(estimate, sr, PESQ_RATE).astype(np.float64)
    if not np.any(estimate):
        raise ValueError("estimate is silent (all zeros): PESQ cannot score it")
    try:
        return float(_pesq.pesq(PESQ_RATE, reference, estimate, "nb"))
    except _pesq.NoUtterancesError as err:
        raise ValueError("PESQ found no speech (no utterances) in the reference; is it silent or pure noise?") from err
    except _pesq.BufferTooShortError as err:
        raise ValueError(f"PESQ needs at least 0.25 s of audio, got {len(reference) / PESQ_RATE:.3f} s") from err
    except _pesq.PesqError as err:
        raise ValueError(f"PESQ failed: {type(err).__name__}: {err}") from err


def log_spectral_distance(reference, estimate, floor_db: float = LSD_FLOOR_DB) -> float:
    """Log-spectral distance in dB (0 for identical spectrograms; lower is better) between two equal-length signals.

    Both STFT power spectrograms (``dae.spectrogram.stft`` frames) are taken in dB relative to the reference's loudest
    bin and floored at ``-floor_db``; per frame, the root mean square over frequencies of their difference; then
    the mean over frames. Unlike SI-SDR it ignores phase and weighs quiet bins like loud ones, so noise left in
    the pauses counts as much as damage to the loud parts.

    A constant estimate (silence) raises ValueError, as in :func:`si_sdr`: its distance is only that of the
    reference's levels above the floor, which can be smaller than that of an output that kept some noise, so
    silence could otherwise beat a real denoiser.
    """
    reference, estimate = _pair(reference, estimate)
    if not (np.isfinite(floor_db) and floor_db > 0):
        raise ValueError(f"floor_db must be a positive number of dB, got {floor_db!r}")
    ref_power, est_power = np.abs(stft(reference)) ** 2, np.abs(stft(estimate)) ** 2
    peak = ref_power.max()
    if peak <= 0:
        raise ValueError("reference is silent (all zeros): its spectrogram has no level to compare with")
    if np.ptp(estimate) == 0:
        raise ValueError("estimate is constant (silent): the log-spectral distance refuses it rather than score silence")
    floor = peak * 10 ** (-floor_db / 10)
    ref_db = 10 * np.log10(np.maximum(ref_power, floor) / peak)
    est_db = 10 * np.log10(np.maximum(est_power, floor) / peak)
    return float(np.sqrt(((ref_db - est_db) ** 2).mean(axis=0)).mean())


def _batches(references, estimates) -> list[tuple[np.ndarray, np.ndarray]]:
    if isinstance(references, np.ndarray) and references.ndim == 1:
        raise ValueError("references must be a sequence of signals (or an (N, samples) array), got one 1-D signal")
    if len(references) != len(estimates):
        raise ValueError(f"got {len(references)} references but {len(estimates)} estimates")
    if len(references) == 0:
        raise ValueError("references and estimates are empty")
    return list(zip(references, estimates))


def _measure(name: str, reference, estimate, sr: int) -> float:
    if name == "si_sdr_db":
        return si_sdr(reference, estimate)
    if name == "stoi":
        return stoi(reference, estimate, sr)
    if name == "pesq":
        return pesq_nb(reference, estimate, sr)
    return log_spectral_distance(reference, estimate)


def scores(
    references: Sequence[np.ndarray], estimates: Sequence[np.ndarray], sr: int, measures: Sequence[str] = SPEECH_MEASURES
) -> dict[str, np.ndarray]:
    """Per-pair measures as arrays of length N: by default SI-SDR (dB), STOI and PESQ, keyed ``si_sdr_db``, ``stoi``, ``pesq``.

    ``measures`` picks among those and ``lsd_db`` (:func:`log_spectral_distance`); ``SOUND_MEASURES`` suits sounds other than speech.
    """
    sr = check_rate(sr)
    known = (*SPEECH_MEASURES, "lsd_db")
    if isinstance(measures, str) or not measures or any(m not in known for m in measures):
        raise ValueError(f"measures must be a non-empty sequence of {known}, got {measures!r}")
    if len(set(measures)) != len(measures):
        raise ValueError(f"measures names a measure twice: {list(measures)!r}")
    out = {name: [] for name in measures}
    for k, (reference, estimate) in enumerate(_batches(references, estimates)):
        try:
            for name in measures:
                out[name].append(_measure(name, reference, estimate, sr))
        except (ValueError, TypeError) as err:
            raise type(err)(f"pair {k}: {err}") from err
    return {name: np.asarray(values, dtype=np.float64) for name, values in out.items()}


def evaluate(
    references: Sequence[np.ndarray], estimates: Sequence[np.ndarray], sr: int, measures: Sequence[str] = SPEECH_MEASURES
) -> dict[str, float]:
    """Mean of each measure over pairs (default SI-SDR, STOI, PESQ), keyed as the results record expects: ``Recorder.add(**evaluate(...))``."""
    return {name: float(values.mean()) for name, values in scores(references, estimates, sr, measures).items()}
