"""Audio for the speech and animal-sound chapters: noise at an exact SNR, spectrogram features and their
inverses, fixed-width patches for a convolutional network, two reference denoisers, players and plots.

Audio is a 1-D float array (float32 out), nominally in [-1, 1]. Spectrograms are (frequency, time) arrays.
Every feature uses the module constants below, chosen for 8 kHz speech; the features of one signal and the
inverse of those features line up sample for sample.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import numpy as np

SAMPLE_RATE = 8000  # FSDD's rate, and narrow-band telephone speech
N_FFT = 256  # 32 ms frames: two or three pitch periods, 129 frequency bins of 31.25 Hz
HOP = 64  # 8 ms, 75 % overlap: enough redundancy for Griffin-Lim and for overlap-add
WINDOW = "hann"
N_MELS = 64  # every mel filter still spans two or more of the 129 bins (at 80, five would hold one bin)
# The fixed decibel scale that normalise() maps to [0, 1]. -80 dB is about the 16-bit quantisation
# floor of one STFT bin; +40 dB is near the largest bin a full-scale signal can give (sum of the window, 42 dB).
DB_MIN, DB_MAX = -80.0, 40.0
GRIFFIN_LIM_ITERS = 64
NOISE_KINDS = ("white", "pink", "babble", "hum")


# --- checks ------------------------------------------------------------------------------------


def check_audio(audio, name: str = "audio") -> np.ndarray:
    """Return ``audio`` as an array after checking it is 1-D, floating point, non-empty and finite."""
    array = np.asarray(audio)
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{name} must be floating point (nominally in [-1, 1]), got dtype {array.dtype}; divide int16 samples by 32768")
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (mono samples), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def check_rate(sr) -> int:
    """Return ``sr`` as an int after checking it is a positive whole number of samples per second."""
    if isinstance(sr, bool) or not isinstance(sr, (int, np.integer, float)) or sr <= 0 or int(sr) != sr:
        raise ValueError(f"sample rate must be a positive whole number of Hz, got {sr!r}")
    return int(sr)


def _check_length(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n (a number of samples) must be a positive int, got {n!r}")
    return int(n)


def _rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return np.random.default_rng(seed)
    raise ValueError(f"seed must be a non-negative int or a numpy Generator (noise here is always reproducible), got {seed!r}")


def _unit_rms(x: np.ndarray, what: str) -> np.ndarray:
    rms = np.sqrt(np.mean(np.square(x, dtype=np.float64)))
    if rms == 0:
        raise ValueError(f"{what} is silent (all zeros); cannot scale it")
    return (x / rms).astype(np.float32)


def resample(audio, orig_sr: int, target_sr: int) -> np.ndarray:
    """``audio`` at ``orig_sr`` Hz -> float32 at ``target_sr`` Hz (soxr, high quality); a copy if the rates agree."""
    import librosa

    audio = check_audio(audio)
    orig_sr, target_sr = check_rate(orig_sr), check_rate(target_sr)
    if orig_sr == target_sr:
        return audio.astype(np.float32)
    return librosa.resample(audio.astype(np.float32), orig_sr=orig_sr, target_sr=target_sr, res_type="soxr_hq")


def read_wav(path) -> tuple[np.ndarray, int]:
    """A sound file -> (float32 mono audio in [-1, 1], sample rate); several channels are averaged."""
    import soundfile as sf

    audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return np.ascontiguousarray(audio.mean(axis=1, dtype=np.float32)), int(rate)


CLIPS_FOLDER = "audio"  # the project's own short spoken clips (hello.wav, second.wav), beside the package
CLIPS_MANIFEST = "audio_clips.sha256"  # their sha256, shipped with the package
# Where an installed package (Colab) fetches the clips: the repository that _config.yml names (a test checks).
REPOSITORY = "dae-book/denoising-autoencoders"
CLIPS_URL = "https://raw.githubusercontent.com/{repository}/main/audio/{name}"


def clip_path(name: str):
    """The path of one of the project's spoken clips (``audio/hello.wav``, ``audio/second.wav``).

    Looks in the folder ``audio/`` of the project that holds the working folder, then beside the ``dae``
    package (a checkout or an editable install), then in the download cache; an installed package (as in
    Colab) downloads the clip from the repository once. Every copy outside a checkout is checked against
    the sha256 in ``dae/manifests/audio_clips.sha256``.
    """
    from pathlib import Path

    from . import data
    from .results import project_root

    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise ValueError(f"name must be a clip's file name such as 'hello.wav', got {name!r}")
    root = project_root()
    places = ([root / CLIPS_FOLDER] if root is not None else []) + [Path(__file__).resolve().parent.parent / CLIPS_FOLDER]
    for folder in places:
        if (folder / name).is_file():
            return folder / name
    manifest = data.read_manifest(CLIPS_MANIFEST)
    if name not in manifest:
        looked = ", ".join(str(folder) for folder in places)
        raise FileNotFoundError(f"{name} is not one of the project's clips ({', '.join(sorted(manifest))}); looked in {looked}")
    cached = data.cache_dir() / "clips" / name
    if cached.is_file() and data.sha256_bytes(cached.read_bytes()) == manifest[name]:
        return cached
    url = CLIPS_URL.format(repository=REPOSITORY, name=name)
    try:
        payload = data._fetch(url)
    except Exception as err:  # offline, or the host refused: say where the clip can be found
        raise data.DataUnavailableError(
            f"{name} is not in a checkout here and could not be downloaded from {url} ({type(err).__name__}: {err}); "
            "clone the repository and run in it, or connect to the internet"
        ) from err
    actual = data.sha256_bytes(payload)
    if actual != manifest[name]:
        raise data.CorruptDataError(f"{url}: downloaded sha256 is {actual}, expected {manifest[name]}; not saved")
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    partial.write_bytes(payload)
    partial.replace(cached)
    return cached


# --- noise -------------------------------------------------------------------------------------


def white(n: int, seed) -> np.ndarray:
    """White Gaussian noise: ``n`` float32 samples, mean 0, variance 1 (a flat spectrum)."""
    return _rng(seed).standard_normal(_check_length(n)).astype(np.float32)


def pink(n: int, seed) -> np.ndarray:
    """Pink noise: ``n`` float32 samples of unit RMS whose power falls as 1/f (3 dB per octave)."""
    n = _check_length(n)
    if n < 2:
        raise ValueError(f"pink noise needs at least 2 samples, got n={n}")
    rng = _rng(seed)
    bins = n // 2 + 1
    spectrum = rng.standard_normal(bins) + 1j * rng.standard_normal(bins)
    gain = np.zeros(bins)
    gain[1:] = 1.0 / np.sqrt(np.arange(1, bins))  # amplitude 1/sqrt(f) is power 1/f; no DC offset
    return _unit_rms(np.fft.irfft(spectrum * gain, n), "pink noise")


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


def babble(recordings_pool, n: int, seed, talkers: int | tuple[int, int] = (4, 6), sr: int | None = None) -> np.ndarray:
    """Babble: ``talkers`` voices (an int, or a (low, high) range drawn from) talking at once; float32, unit RMS.

    Each voice is a stream of random recordings from the pool, played back to back from a random start,
    scaled to unit RMS so no voice dominates. Pass recordings of speakers other than the one being denoised.
    """
    n = _check_length(n)
    rng = _rng(seed)
    arrays = _pool_audio(recordings_pool, sr)
    if isinstance(talkers, (int, np.integer)) and not isinstance(talkers, bool):
        low = high = int(talkers)
    else:
        try:
            low, high = (int(t) for t in talkers)
        except (TypeError, ValueError):
            raise ValueError(f"talkers must be an int or a (low, high) pair, got {talkers!r}") from None
    if not 1 <= low <= high:
        raise ValueError(f"talkers must be at least 1 (and low <= high), got {talkers!r}")
    count = int(rng.integers(low, high + 1))
    mix = np.zeros(n, dtype=np.float64)
    for _ in range(count):
        stream, length = [], 0
        while length < 2 * n:  # twice the length, so a random start still leaves n samples
            piece = arrays[rng.integers(len(arrays))]
            stream.append(piece)
            length += len(piece)
        voice = np.concatenate(stream)
        start = int(rng.integers(0, len(voice) - n + 1))
        segment = voice[start : start + n].astype(np.float64)
        rms = np.sqrt(np.mean(segment**2))
        if rms > 0:  # a segment of pure silence adds nothing rather than failing
            mix += segment / rms
    return _unit_rms(mix, "babble (every voice was silent)")


def hum(n: int, sr: int, freq: float = 50.0, harmonics: int = 4, seed=None) -> np.ndarray:
    """Mains hum: a ``freq`` Hz tone and its first ``harmonics`` multiples at amplitudes 1/k; float32, unit RMS.

    Phases are 0 without a seed and random (but reproducible) with one.
    """
    n, sr = _check_length(n), check_rate(sr)
    if not (np.isfinite(freq) and freq > 0):
        raise ValueError(f"freq must be a positive number of Hz, got {freq!r}")
    if isinstance(harmonics, bool) or not isinstance(harmonics, (int, np.integer)) or harmonics < 1:
        raise ValueError(f"harmonics (how many multiples of freq, the fundamental included) must be a positive int, got {harmonics!r}")
    if harmonics * freq >= sr / 2:
        raise ValueError(f"harmonic {harmonics} of {freq} Hz is at or above the Nyquist frequency {sr / 2} Hz of {sr} Hz audio")
    k = np.arange(1, harmonics + 1)
    phase = np.zeros(harmonics) if seed is None else _rng(seed).uniform(0, 2 * np.pi, harmonics)
    t = np.arange(n) / sr
    tone = (np.sin(2 * np.pi * freq * k[:, None] * t[None, :] + phase[:, None]) / k[:, None]).sum(axis=0)
    return _unit_rms(tone, "hum")


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


def scale_to_snr(clean, noise, snr_db: float) -> np.ndarray:
    """``noise`` scaled so that ``10 log10(sum clean^2 / sum noise^2) == snr_db``; float32, same length."""
    clean, noise = check_audio(clean, "clean"), check_audio(noise, "noise")
    if isinstance(snr_db, bool) or not isinstance(snr_db, (int, float, np.integer, np.floating)) or not np.isfinite(snr_db):
        raise ValueError(f"snr_db must be a finite number of dB, got {snr_db!r}")
    if clean.shape != noise.shape:
        raise ValueError(f"clean and noise must have the same length, got {clean.shape[0]} and {noise.shape[0]} samples")
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


def add_noise(clean, kind: str, snr_db: float, sr: int, seed, babble_pool=None) -> np.ndarray:
    """``clean`` with noise of ``kind`` (see ``NOISE_KINDS``) at ``snr_db``; the noise is ``make_noise(kind, len(clean), sr, seed, babble_pool)``."""
    clean = check_audio(clean, "clean")
    noise = make_noise(kind, len(clean), sr, seed, babble_pool)
    return mix_at_snr(clean, noise, snr_db)


# --- spectrogram features and their inverses ---------------------------------------------------


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
    return librosa.istft(spec, hop_length=hop, n_fft=n_fft, window=WINDOW, center=True, length=_check_length(length)).astype(np.float32)


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
        length=_check_length(length),
        init="random",
        **{seed_keyword: np.random.default_rng(seed)},
    )
    return audio.astype(np.float32)


# --- patches for a convolutional network -------------------------------------------------------


def _check_patch_steps(width, hop) -> tuple[int, int]:
    for name, value in (("width", width), ("hop", hop)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int (frames), got {value!r}")
    if hop > width:
        raise ValueError(f"hop ({hop}) must not exceed width ({width}): frames between patches would be lost")
    return int(width), int(hop)


def patches(spec, width: int, hop: int, pad_value: float = 0.0) -> np.ndarray:
    """A (freq, time) spectrogram -> (N, freq, width) patches starting every ``hop`` frames.

    The end is padded with ``pad_value`` (0 is silence on the normalised scale) so every frame is covered;
    :func:`overlap_add` puts the patches back together.
    """
    spec = np.asarray(spec)
    if spec.ndim != 2:
        raise ValueError(f"spec must be a (freq, time) array, got shape {spec.shape}")
    width, hop = _check_patch_steps(width, hop)
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
    width, hop = _check_patch_steps(width, hop)
    covered = (count - 1) * hop + width
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or not 1 <= length <= covered:
        raise ValueError(f"length must be an int from 1 to {covered} (what {count} patches cover), got {length!r}")
    total = np.zeros((bins, covered), dtype=np.float64)
    weight = np.zeros(covered, dtype=np.float64)
    for k in range(count):
        total[:, k * hop : k * hop + width] += patch_batch[k]
        weight[k * hop : k * hop + width] += 1.0
    return (total / weight)[:, :length].astype(np.float32)


# --- reference denoisers -----------------------------------------------------------------------

# noisereduce's default 1024-sample frames are 128 ms at 8 kHz; 512 (64 ms) follows speech better.
GATING_N_FFT = 512


def spectral_gating(noisy, sr: int, **kwargs) -> np.ndarray:
    """Stationary spectral gating (noisereduce): the noise profile is estimated from ``noisy`` itself; float32, same length.

    ``kwargs`` go to ``noisereduce.reduce_noise`` (for example ``prop_decrease``, ``n_std_thresh_stationary``).
    """
    import noisereduce

    noisy = check_audio(noisy, "noisy")
    sr = check_rate(sr)
    options = {"stationary": True, "n_fft": GATING_N_FFT} | kwargs
    out = noisereduce.reduce_noise(y=noisy.astype(np.float32), sr=sr, **options)
    return np.asarray(out, dtype=np.float32)[: len(noisy)]


def ratio_mask(clean, noise) -> np.ndarray:
    """The ideal ratio mask ``sqrt(|S|^2 / (|S|^2 + |N|^2))`` of the clean and noise STFTs: float32 (freq, frames) in [0, 1]."""
    clean, noise = check_audio(clean, "clean"), check_audio(noise, "noise")
    if clean.shape != noise.shape:
        raise ValueError(f"clean and noise must have the same length, got {clean.shape[0]} and {noise.shape[0]} samples")
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


# --- listening and looking ---------------------------------------------------------------------


def player(audio, sr: int, normalize: bool = True):
    """An ``IPython.display.Audio`` player; the sound is embedded as a data URI, so it plays in static HTML.

    ``normalize=True`` scales the peak to full volume; ``False`` keeps the level (samples must lie in [-1, 1]).
    """
    from IPython.display import Audio

    audio = check_audio(audio)
    sr = check_rate(sr)
    if not normalize and np.abs(audio).max() > 1.0:
        raise ValueError(f"with normalize=False samples must lie in [-1, 1], got a peak of {np.abs(audio).max():.3g}")
    peak = float(np.abs(audio).max())
    # IPython divides by the peak when normalising: a silent signal would become NaN, so play it as it is.
    return Audio(data=audio.astype(np.float64), rate=sr, normalize=normalize and peak > 0)


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
    the module's N_FFT and HOP. Time in seconds, frequency in Hz, a shared colour bar in dB.
    """
    import librosa
    import librosa.display
    import matplotlib.pyplot as plt

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
    ncols = len(levels) if ncols is None else ncols
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}")
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


# --- a mask-estimating denoiser: its input, its target, training mixtures, two ways back to sound --

FEATURE_RMS = 0.05  # every noisy input is brought to this RMS before its features are taken


def scale_to_rms(audio, rms: float = FEATURE_RMS) -> np.ndarray:
    """``audio`` times the one gain that makes its RMS equal ``rms``; float32, same length."""
    audio = check_audio(audio)
    if not (np.isfinite(rms) and rms > 0):
        raise ValueError(f"rms must be a positive number, got {rms!r}")
    return (_unit_rms(audio, "audio") * np.float32(rms)).astype(np.float32)


def mask_features(noisy) -> np.ndarray:
    """A mask model's input: the STFT log-magnitude of ``noisy`` brought to ``FEATURE_RMS`` first; float32 (129, frames).

    A mask is applied to the noisy signal as it is, so the input's loudness carries no information; fixing it
    spares the model from learning every recording level.
    """
    return stft_log_magnitude(scale_to_rms(noisy))


def phase_sensitive_mask(clean, noise) -> np.ndarray:
    """The best real mask for the noisy phase: ``Re(S conj(Y)) / |Y|^2`` clipped to [0, 1], with Y = S + N; float32 (129, frames).

    Multiplying the noisy STFT by it gives the closest signal to the clean one (in squared error) that any
    mask in [0, 1] can give while keeping the noisy phase. Where the noisy STFT is zero, the mask is 0.
    """
    clean, noise = check_audio(clean, "clean"), check_audio(noise, "noise")
    if clean.shape != noise.shape:
        raise ValueError(f"clean and noise must have the same length, got {clean.shape[0]} and {noise.shape[0]} samples")
    speech = stft(clean)
    noisy = speech + stft(noise)  # the STFT is linear: this is the STFT of clean + noise
    power = np.abs(noisy) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        mask = np.where(power > 0, np.real(speech * np.conj(noisy)) / power, 0.0)
    return np.clip(mask, 0.0, 1.0).astype(np.float32)


def training_patches(utterances, pools, width: int, seed, snr_range=(-7.5, 12.5), kinds=NOISE_KINDS, sr: int = SAMPLE_RATE):
    """One fresh random mixture per clean utterance, cut into patches: (features, masks), each (N, 129, width).

    For each utterance a noise kind is drawn from ``kinds`` and an SNR uniformly from ``snr_range`` (dB);
    ``pools[k]`` is the babble pool of utterance ``k`` (other speakers' recordings). The features are
    :func:`mask_features` of the mixture, the targets its :func:`phase_sensitive_mask`; both are cut into
    non-overlapping patches from a random first frame, so each call shows the model new noise and new cuts.
    """
    rng = _rng(seed)
    if len(utterances) == 0 or len(pools) != len(utterances):
        raise ValueError(f"need a babble pool per utterance, got {len(utterances)} utterances and {len(pools)} pools")
    unknown = [k for k in kinds if k not in NOISE_KINDS]
    if not kinds or unknown:
        raise ValueError(f"kinds must be some of {NOISE_KINDS}, got {kinds!r}")
    low, high = snr_range
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ValueError(f"snr_range must be (low, high) dB with low <= high, got {snr_range!r}")
    width, _ = _check_patch_steps(width, width)
    features, masks = [], []
    for clean, pool in zip(utterances, pools):
        kind = kinds[rng.integers(len(kinds))]
        noise = make_noise(kind, len(clean), sr, int(rng.integers(2**31)), pool)
        noise = scale_to_snr(clean, noise, float(rng.uniform(low, high)))
        feature, mask = mask_features(clean + noise), phase_sensitive_mask(clean, noise)
        start = int(rng.integers(min(width, feature.shape[1])))
        features.append(patches(feature[:, start:], width, width))
        masks.append(patches(mask[:, start:], width, width))
    return np.concatenate(features), np.concatenate(masks)


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
    return istft(mask * spec, len(noisy))


def mask_to_mel_audio(mask, noisy, seed: int = 0) -> np.ndarray:
    """Back to sound the seed's way: the masked magnitude as a mel spectrogram, then ``mel_to_stft`` and Griffin-Lim; float32.

    The noisy phase is thrown away with the linear frequencies; Griffin-Lim (seeded) invents a new phase.
    """
    import librosa

    noisy = check_audio(noisy, "noisy")
    magnitude = np.abs(stft(noisy))
    mask = np.asarray(mask)
    if mask.shape != magnitude.shape:
        raise ValueError(f"mask has shape {mask.shape} but the noisy STFT has shape {magnitude.shape}")
    mel = librosa.feature.melspectrogram(S=(mask * magnitude) ** 2, sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS)
    return inverse_mel_log_power(normalise(mel, power=True), len(noisy), seed=seed)
