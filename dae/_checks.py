"""Input guards shared by the package: each checks one kind of argument (a count, a flag, a seed, images, audio,
a sample rate, patch steps) and raises an error that names it, says what it must be and shows what it got, so
that the functions the book prints open with their method and a one-line guard call rather than ``raise`` blocks."""

from __future__ import annotations

import numpy as np

# --- numbers and flags -------------------------------------------------------------------------


def check_positive_int(value, name: str, says: str = "a positive integer") -> int:
    """``value`` as an int after checking it is a whole number >= 1 (not a bool); else ``{name} must be {says}, got ...``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be {says}, got {value!r}")
    return int(value)


def check_non_negative_int(value, name: str) -> int:
    """``value`` as an int after checking it is a whole number >= 0 (not a bool)."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    return int(value)


def check_non_negative(value, name: str) -> float:
    """``value`` as a float after checking it is finite and >= 0."""
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def check_flag(value, name: str) -> bool:
    """``value`` after checking it is True or False (not 1, not "yes")."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def check_sizes(values, name: str, each: str, at_least_one: str | None = None) -> tuple[int, ...]:
    """``values`` as a tuple of positive ints (each named ``each``); with ``at_least_one`` ("level"), an empty ``name`` is refused."""
    sizes = tuple(check_positive_int(v, each) for v in values)
    if at_least_one is not None and not sizes:
        raise ValueError(f"{name} must name at least one {at_least_one}, got an empty sequence")
    return sizes


def check_same_length(first, second, names: tuple[str, str] = ("inputs", "targets")) -> None:
    """Raise unless the two sequences have the same length."""
    if len(first) != len(second):
        raise ValueError(f"{names[0]} and {names[1]} must have the same length, got {len(first)} and {len(second)}")


# --- reproducible randomness -------------------------------------------------------------------


def rng(seed) -> np.random.Generator:
    """A NumPy Generator from a non-negative int seed, or ``seed`` itself if it is one (noise here is always reproducible)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return np.random.default_rng(seed)
    raise ValueError(f"seed must be a non-negative int or a numpy Generator (noise here is always reproducible), got {seed!r}")


def random_state(seed) -> np.random.RandomState:
    """NumPy's legacy RandomState from a non-negative int or None, or ``seed`` itself if it is one (to continue a stream)."""
    if isinstance(seed, np.random.RandomState):
        return seed
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0):
        return np.random.RandomState(seed)
    raise ValueError(f"seed must be a non-negative int, a numpy RandomState or None, got {seed!r}")


# --- images ------------------------------------------------------------------------------------


def check_images(images, name: str = "images") -> np.ndarray:
    """Return ``images`` as a float array after checking it is floating point, finite and in [0, 1]."""
    array = np.asarray(images)
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{name} must be floating point in [0, 1], got dtype {array.dtype}; convert uint8 digits first with dae.data.to_float_images")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    low, high = float(array.min()), float(array.max())
    if low < 0.0 or high > 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got values from {low:.4g} to {high:.4g}")
    return array


def check_image_shape(image_shape, channels: bool) -> tuple[int, ...]:
    """``image_shape`` as ints: (height, width), or (height, width, 1) with ``channels``."""
    shape = tuple(image_shape)
    want = "(height, width, 1)" if channels else "(height, width)"
    if len(shape) != (3 if channels else 2) or any(isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d <= 0 for d in shape):
        raise ValueError(f"image_shape must be {want} with positive integers, got {image_shape!r}")
    if channels and shape[2] != 1:
        raise ValueError(f"image_shape must have one (grey) channel, got {shape[2]} channels in {image_shape!r}")
    return tuple(int(d) for d in shape)


def check_divisible(height: int, width: int, factor: int, reason: str) -> None:
    """Raise unless both image sides divide by ``factor``; ``reason`` says why ("2 stride-2 layers")."""
    if height % factor or width % factor:
        raise ValueError(f"image height and width must be divisible by {factor} for {reason}, got {height}x{width}")


# --- sound -------------------------------------------------------------------------------------


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


def check_audio_pair(first, second, names: tuple[str, str] = ("clean", "noise")) -> tuple[np.ndarray, np.ndarray]:
    """Both signals checked by :func:`check_audio` (named ``names``) and of the same length."""
    first, second = check_audio(first, names[0]), check_audio(second, names[1])
    if first.shape != second.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same length, got {first.shape[0]} and {second.shape[0]} samples")
    return first, second


def check_rate(sr) -> int:
    """Return ``sr`` as an int after checking it is a positive whole number of samples per second."""
    if isinstance(sr, bool) or not isinstance(sr, (int, np.integer, float, np.floating)) or not np.isfinite(sr) or sr <= 0 or int(sr) != sr:
        raise ValueError(f"sample rate must be a positive whole number of Hz, got {sr!r}")
    return int(sr)


def check_length(n) -> int:
    """``n`` as an int after checking it is a positive number of samples."""
    return check_positive_int(n, "n (a number of samples)", "a positive int")


def unit_rms(x: np.ndarray, what: str) -> np.ndarray:
    """``x`` divided by its RMS, as float32; raises naming ``what`` if it is silent."""
    rms = np.sqrt(np.mean(np.square(x, dtype=np.float64)))
    if rms == 0:
        raise ValueError(f"{what} is silent (all zeros); cannot scale it")
    return (x / rms).astype(np.float32)


def check_patch_steps(width, hop) -> tuple[int, int]:
    """``(width, hop)`` of spectrogram patches as ints: both positive, and ``hop <= width`` so no frame is skipped."""
    for name, value in (("width", width), ("hop", hop)):
        check_positive_int(value, name, "a positive int (frames)")
    if hop > width:
        raise ValueError(f"hop ({hop}) must not exceed width ({width}): frames between patches would be lost")
    return int(width), int(hop)
