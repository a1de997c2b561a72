"""Sound and its noise: resampling, writing a WAV file and reading it back, the four noises the sound chapters use (white, pink, babble, hum), each as
unit-RMS float32 samples drawn from a seed, and mixing a noise into a clean signal at an exact signal-to-noise
ratio; audio is a 1-D float array, nominally in [-1, 1]."""

from __future__ import annotations

import numpy as np

from ._checks import check_audio, check_audio_pair, check_length, check_positive_int, check_rate, rng, unit_rms

SAMPLE_RATE = 8000  # FSDD's rate, and narrow-band telephone speech
NOISE_KINDS = ("white", "pink", "babble", "hum")
MAX_SNR_DB = 200.0  # a mixture at a larger |SNR| is one signal plus rounding error (or overflows float32)


def resample(audio, orig_sr: int, target_sr: int) -> np.ndarray:
    """``audio`` at ``orig_sr`` Hz -> float32 at ``target_sr`` Hz (soxr, high quality); a copy if the rates agree."""
    import librosa

    audio = check_audio(audio)
    orig_sr, target_sr = check_rate(orig_sr), check_rate(target_sr)
    if orig_sr == target_sr:
        return audio.astype(np.float32)
    return librosa.resample(audio.astype(np.float32), orig_sr=orig_sr, target_sr=target_sr, res_type="soxr_hq")


def wav_round_trip(audio, sr: int, path) -> np.ndarray:
    """Write ``audio`` to the WAV file ``path`` (16-bit PCM, parent folders made) and read it back: float32, same length."""
    from pathlib import Path

    import soundfile

    audio, sr, path = check_audio(audio), check_rate(sr), Path(path)
    if path.suffix.lower() != ".wav":
        raise ValueError(f"path must name a .wav file, got {str(path)!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(path, np.clip(audio, -1.0, 1.0), sr, subtype="PCM_16")
    back, rate = soundfile.read(path, dtype="float32")
    if rate != sr or len(back) != len(audio):
        raise ValueError(f"{path} read back {len(back)} samples at {rate} Hz, wrote {len(audio)} at {sr} Hz")
    return back


# --- noise -------------------------------------------------------------------------------------


def white(n: int, seed) -> np.ndarray:
    """White Gaussian noise: ``n`` float32 samples, mean 0, variance 1 (a flat spectrum)."""
    return rng(seed).standard_normal(check_length(n)).astype(np.float32)


def pink(n: int, seed) -> np.ndarray:
    """Pink noise: ``n`` float32 samples of unit RMS whose power falls as 1/f (3 dB per octave)."""
    n = check_length(n)
    if n < 2:
        raise ValueError(f"pink noise needs at least 2 samples, got n={n}")
    draw = rng(seed)
    bins = n // 2 + 1
    spectrum = draw.standard_normal(bins) + 1j * draw.standard_normal(bins)
    gain = np.zeros(bins)
    gain[1:] = 1.0 / np.sqrt(np.arange(1, bins))  # amplitude 1/sqrt(f) is power 1/f; no DC offset
    return unit_rms(np.fft.irfft(spectrum * gain, n), "pink noise")


def babble(recordings_pool, n: int, seed, talkers: int | tuple[int, int] = (4, 6), sr: int | None = None) -> np.ndarray:
    """Babble: ``talkers`` voices (an int, or a (low, high) range drawn from) talking at once; float32, unit RMS.

    Each voice is a stream of random recordings from the pool, played back to back from a random start,
    scaled to unit RMS so no voice dominates. Pass recordings of speakers other than the one being denoised.
    """
    n = check_length(n)
    draw = rng(seed)
    arrays = _pool_audio(recordings_pool, sr)
    low, high = _talkers(talkers)
    count = int(draw.integers(low, high + 1))
    mix = np.zeros(n, dtype=np.float64)
    for _ in range(count):
        stream, length = [], 0
        while length < 2 * n:  # twice the length, so a random start still leaves n samples
            piece = arrays[draw.integers(len(arrays))]
            stream.append(piece)
            length += len(piece)
        voice = np.concatenate(stream)
        start = int(draw.integers(0, len(voice) - n + 1))
        segment = voice[start : start + n].astype(np.float64)
        rms = np.sqrt(np.mean(segment**2))
        if rms > 0:  # a segment of pure silence adds nothing rather than failing
            mix += segment / rms
    return unit_rms(mix, "babble (every voice was silent)")


def hum(n: int, sr: int, freq: float = 50.0, harmonics: int = 4, seed=None) -> np.ndarray:
    """Mains hum: a ``freq`` Hz tone and its first ``harmonics`` multiples at amplitudes 1/k; float32, unit RMS.

    Phases are 0 without a seed and random (but reproducible) with one.
    """
    n, sr = check_length(n), check_rate(sr)
    _check_hum(freq, harmonics, sr)
    k = np.arange(1, harmonics + 1)
    phase = np.zeros(harmonics) if seed is None else rng(seed).uniform(0, 2 * np.pi, harmonics)
    t = np.arange(n) / sr
    tone = (np.sin(2 * np.pi * freq * k[:, None] * t[None, :] + phase[:, None]) / k[:, None]).sum(axis=0)
    return unit_rms(tone, "hum")


def make_noise(kind: str, n: int, sr: int, seed, babble_pool=None) -> np.ndarray:
    """``n`` samples of noise of one of ``NOISE_KINDS`` at unit RMS; ``babble_pool`` is needed for 'babble' only."""
    if kind not in NOISE_KINDS:
        raise ValueError(f"unknown noise kind {kind!r}; choose one of {NOISE_KINDS}")
    sr = check_rate(sr)
    if kind == "white":
        return white(n, seed)
    if kind == "pink":
        return pink(n, seed)
    if kind == "hum":
        return hum(n, sr, seed=seed)
    if babble_pool is None:
        raise ValueError("kind='babble' needs babble_pool: recordings of other speakers to talk over the signal")
    return babble(babble_pool, n, seed, sr=sr)


# --- mixing at an exact SNR --------------------------------------------------------------------


def scale_to_snr(clean, noise, snr_db: float) -> np.ndarray:
    """``noise`` scaled so that ``10 log10(sum clean^2 / sum noise^2) == snr_db``; float32, same length."""
    clean, noise = check_audio_pair(clean, noise)
    _check_snr_db(snr_db)
    clean_energy = np.sum(np.square(clean, dtype=np.float64))
    noise_energy = np.sum(np.square(noise, dtype=np.float64))
    if clean_energy == 0:
        raise ValueError("clean is silent (all zeros): an SNR relative to it is undefined")
    if noise_energy == 0:
        raise ValueError("noise is silent (all zeros): it cannot be scaled to any SNR")
    gain = np.sqrt(clean_energy / (noise_energy * 10.0 ** (snr_db / 10.0)))
    return (noise.astype(np.float64) * gain).astype(np.float32)


def mix_at_snr(clean, noise, snr_db: float) -> np.ndarray:
    """``clean + noise``, the noise scaled to an exact SNR in dB; float32, not clipped (so the SNR stays exact)."""
    scaled = scale_to_snr(clean, noise, snr_db)
    return (np.asarray(clean, dtype=np.float64) + scaled).astype(np.float32)


def noisy_mixture(clean, kind: str, snr_db: float, sr: int, seed, babble_pool=None) -> np.ndarray:
    """``clean`` with noise of ``kind`` (see ``NOISE_KINDS``) at ``snr_db``; the noise is ``make_noise(kind, len(clean), sr, seed, babble_pool)``."""
    clean = check_audio(clean, "clean")
    noise = make_noise(kind, len(clean), sr, seed, babble_pool)
    return mix_at_snr(clean, noise, snr_db)


# --- argument checks ---------------------------------------------------------------------------


def _pool_audio(pool, sr: int | None) -> list[np.ndarray]:
    """The arrays of a babble pool: FSDD recordings (``.audio``, ``.sample_rate``) or 1-D arrays."""
    if pool is None or len(pool) == 0:
        raise ValueError("babble needs a non-empty pool of recordings (e.g. the training speakers' FSDD recordings)")
    arrays = []
    for k, item in enumerate(pool):
        rate = getattr(item, "sample_rate", None)
        if sr is not None and rate is not None and rate != sr:
            raise ValueError(f"babble pool item {k} is at {rate} Hz, the signal at {sr} Hz; resample first")
        arrays.append(check_audio(getattr(item, "audio", item), f"babble pool item {k}"))
    return arrays


def _talkers(talkers) -> tuple[int, int]:
    """``talkers`` (an int, or a (low, high) pair) as the (low, high) range of voices to draw from."""
    if isinstance(talkers, (int, np.integer)) and not isinstance(talkers, bool):
        low = high = int(talkers)
    else:
        try:
            low, high = (int(t) for t in talkers)
        except (TypeError, ValueError):
            raise ValueError(f"talkers must be an int or a (low, high) pair, got {talkers!r}") from None
    if not 1 <= low <= high:
        raise ValueError(f"talkers must be at least 1 (and low <= high), got {talkers!r}")
    return low, high


def _check_hum(freq, harmonics, sr: int) -> None:
    if not (np.isfinite(freq) and freq > 0):
        raise ValueError(f"freq must be a positive number of Hz, got {freq!r}")
    check_positive_int(harmonics, "harmonics (how many multiples of freq, the fundamental included)", "a positive int")
    if harmonics * freq >= sr / 2:
        raise ValueError(f"harmonic {harmonics} of {freq} Hz is at or above the Nyquist frequency {sr / 2} Hz of {sr} Hz audio")


def _check_snr_db(snr_db) -> None:
    if isinstance(snr_db, bool) or not isinstance(snr_db, (int, float, np.integer, np.floating)) or not np.isfinite(snr_db):
        raise ValueError(f"snr_db must be a finite number of dB, got {snr_db!r}")
    if abs(snr_db) > MAX_SNR_DB:
        raise ValueError(f"snr_db must lie within ±{MAX_SNR_DB:.0f} dB, got {snr_db!r}: beyond it one signal is below float32 rounding of the other")
