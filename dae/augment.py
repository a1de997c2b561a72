"""More voices from the same speakers: the speech model's training utterances and babble pools with their pitch moved.

FSDD's four training speakers are men with a voice between about 110 and 160 Hz; read speech elsewhere reaches from a
deep 80 Hz to a woman's 220 Hz and more. :func:`vary_voices` takes what :func:`dae.speech.training_set` returns and
gives back the same utterances, a share of them shifted in pitch (librosa's phase vocoder, same length), and babble
pools whose recordings are each played faster or slower (pitch and tempo together), so that the model hears other
voices both as the speech to keep and as the babble to remove. :func:`random_filter` gives a recording another
microphone and room: a random second-order filter, as RNNoise (Valin 2018) trains with. Audio is float32 at ``sr`` Hz.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_audio, check_rate, rng
from .sound import SAMPLE_RATE

SHARE = 2 / 3  # of the utterances (and of the babble recordings) given another voice; the rest stay as recorded
SEMITONES = (-8.0, 10.0)  # the range of pitch shifts: about 80 Hz to 250 Hz from a 130 Hz voice
SPEEDS = (0.7, 1.4)  # the range of playback speeds for babble recordings (log-uniform): -6 to +6 semitones
FILTER_RANGE = 0.375  # each coefficient of random_filter lies within ±this: from -17 to +17 dB at the ends of the band


def shift_pitch(audio, semitones: float, sr: int = SAMPLE_RATE) -> np.ndarray:
    """``audio`` with its pitch moved by ``semitones`` (12 is an octave) and its length kept: float32, same length."""
    import librosa

    audio, sr = check_audio(audio), check_rate(sr)
    _check_number(semitones, "semitones", 24)
    if semitones == 0:
        return audio.astype(np.float32)
    shifted = librosa.effects.pitch_shift(audio.astype(np.float32), sr=sr, n_steps=float(semitones), res_type="soxr_hq")
    return np.asarray(shifted, dtype=np.float32)[: len(audio)]


def change_speed(audio, speed: float) -> np.ndarray:
    """``audio`` played ``speed`` times as fast (pitch and tempo together, as a tape would): float32, ``len / speed`` samples."""
    import librosa

    audio = check_audio(audio)
    _check_number(speed, "speed", None)
    if not 0.25 <= speed <= 4:
        raise ValueError(f"speed must lie between 0.25 and 4 (a factor on the playback rate), got {speed!r}")
    if speed == 1:
        return audio.astype(np.float32)
    # Playing n samples at speed s gives n / s samples at the same rate: resample as if from s * 1000 Hz to 1000 Hz.
    return np.asarray(librosa.resample(audio.astype(np.float32), orig_sr=speed * 1000, target_sr=1000, res_type="soxr_hq"), dtype=np.float32)


def random_filter(audio, seed) -> np.ndarray:
    """``audio`` through a random stable second-order filter, its RMS kept: float32, same length.

    The filter is (1 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2) with the four coefficients drawn uniformly from
    ±``FILTER_RANGE``, as RNNoise draws its training filters: it tilts the spectrum up or down by as much as 17 dB
    at either end, the way another microphone, room or voice would.
    """
    from scipy.signal import lfilter

    audio = check_audio(audio)
    b1, b2, a1, a2 = rng(seed).uniform(-FILTER_RANGE, FILTER_RANGE, 4)
    out = lfilter([1.0, b1, b2], [1.0, a1, a2], audio.astype(np.float64))
    before, after = np.sqrt(np.mean(np.square(audio, dtype=np.float64))), np.sqrt(np.mean(out**2))
    return (out * (before / after if after > 0 else 0.0)).astype(np.float32)


def vary_voices(
    utterances,
    pools,
    seed,
    share: float = SHARE,
    semitones: tuple[float, float] = SEMITONES,
    speeds: tuple[float, float] = SPEEDS,
    filter_share: float = 0.0,
    sr: int = SAMPLE_RATE,
) -> tuple[list[np.ndarray], list[list[np.ndarray]]]:
    """:func:`dae.speech.training_set`'s ``(utterances, pools)`` with other voices: a new list of each, same lengths.

    Each utterance is, with probability ``share``, shifted by a number of semitones drawn uniformly from
    ``semitones`` (:func:`shift_pitch`); each recording of each babble pool is, with the same probability,
    played at a speed drawn log-uniformly from ``speeds`` (:func:`change_speed`). Then each utterance and each
    babble recording goes, with probability ``filter_share``, through a :func:`random_filter`. Utterances that shared one
    pool share its varied copy, so the work is done once per pool. The same arguments give the same result.
    """
    if len(utterances) == 0 or len(pools) != len(utterances):
        raise ValueError(f"need a babble pool per utterance, got {len(utterances)} utterances and {len(pools)} pools")
    _check_number(share, "share", None)
    _check_number(filter_share, "filter_share", None)
    if not (0 <= share <= 1 and 0 <= filter_share <= 1):
        raise ValueError(f"share and filter_share must be fractions between 0 and 1, got {share!r} and {filter_share!r}")
    low, high = _check_range(semitones, "semitones", 24)
    slow, fast = _check_range(speeds, "speeds", None)
    if not 0.25 <= slow <= fast <= 4:
        raise ValueError(f"speeds must be (slow, fast) factors between 0.25 and 4, got {speeds!r}")
    draw = rng(seed)
    varied = []
    for audio in utterances:
        shift = float(draw.uniform(low, high)) if draw.random() < share else 0.0
        varied.append(_maybe_filter(shift_pitch(audio, shift, sr), filter_share, draw))
    done: dict[int, list[np.ndarray]] = {}
    for pool in pools:
        if id(pool) not in done:
            speeds_drawn = [float(np.exp(draw.uniform(np.log(slow), np.log(fast)))) if draw.random() < share else 1.0 for _ in pool]
            done[id(pool)] = [_maybe_filter(change_speed(r, v) if v != 1 else r, filter_share, draw) for r, v in zip(pool, speeds_drawn)]
    return varied, [done[id(pool)] for pool in pools]


def _maybe_filter(audio: np.ndarray, share: float, draw: np.random.Generator) -> np.ndarray:
    """``audio`` through a :func:`random_filter` with probability ``share`` (seeded from ``draw``), else itself."""
    return random_filter(audio, int(draw.integers(2**31))) if share > 0 and draw.random() < share else audio


def _check_number(value, name: str, bound: float | None) -> None:
    """Raise unless ``value`` is a finite real number (of absolute value at most ``bound``, if given)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if bound is not None and abs(value) > bound:
        raise ValueError(f"{name} must lie within ±{bound}, got {value!r}")


def _check_range(pair, name: str, bound: float | None) -> tuple[float, float]:
    """``pair`` as a checked (low, high) with low <= high."""
    try:
        low, high = pair
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a (low, high) pair, got {pair!r}") from None
    _check_number(low, name, bound)
    _check_number(high, name, bound)
    if low > high:
        raise ValueError(f"{name} must be (low, high) with low <= high, got {pair!r}")
    return float(low), float(high)
