"""Classical (non-learned) denoisers from scikit-image and SciPy, each tuned on a validation split.

``DENOISERS`` maps a name to a function ``(images (N, H, W) float in [0, 1], parameter) -> float32
(N, H, W) in [0, 1]``; ``GRIDS`` holds each one's candidate parameters, and ``PARAMETERS`` the
parameter's name. ``tune`` picks the candidate with the best mean PSNR on validation images only;
``tune_and_apply`` tunes every denoiser that way and then applies it, once, to the test images.
The wavelet denoiser needs PyWavelets (``pywt``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import gaussian_filter, median_filter

from ._checks import check_images
from .metrics import psnr, ssim

# Loops over more images than this show a progress bar.
PROGRESS_MIN_IMAGES = 200

# The one parameter each denoiser is tuned over.
PARAMETERS = {
    "gaussian filter": "sigma",
    "median filter": "size",
    "total variation": "weight",
    "non-local means": "h",
    "wavelet": "sigma",
}


def label(name: str, parameter: float) -> str:
    """How a reader sees a tuned classical denoiser, e.g. 'Gaussian filter (σ = 1)' or 'median filter (3 × 3)'."""
    shown = {"gaussian filter": "Gaussian filter", "wavelet": "wavelet shrinkage"}.get(name, name)
    if name == "median filter":
        return f"{shown} ({parameter:g} × {parameter:g})"
    symbol = {"sigma": "σ", "h": "h", "weight": "weight"}[PARAMETERS[name]]
    return f"{shown} ({symbol} = {parameter:g})"


# Candidates for 28x28 digits under Gaussian noise of sigma 0.1 to 0.5, the shifted N(0.5, 0.5) noise
# that leaves most pixels bright, and 20% salt and pepper. On 200 validation digits each winner lies
# inside its grid (sigma 0.1 wants the lightest smoothing, the shifted noise the most), except the
# median's: its 3x3 window wins on all of them, as wider windows erase 2-3 pixel strokes. Non-local
# means with h below about 0.05 gives other patches no weight (it returns its input), and the
# wavelet's scores stop changing above about 0.4, where every detail coefficient is already zeroed.
GRIDS = {
    "gaussian filter": (0.3, 0.4, 0.5, 0.6, 0.75, 1.0, 1.5, 2.0),
    "median filter": (3, 5, 7, 9),
    "total variation": (0.02, 0.04, 0.07, 0.1, 0.15, 0.25, 0.4, 0.6),
    "non-local means": (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.45, 0.7),
    "wavelet": (0.03, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4),
}

# Fixed settings of the per-image denoisers, chosen once on the same validation digits: 5x5 patches
# searched over a 7x7 window (small and fast on 28x28 digits), and two levels of sym4 wavelets
# (the most a 28-pixel side allows for an 8-tap filter; 0.1 to 0.4 dB above Haar).
NL_MEANS_PATCH_SIZE = 5
NL_MEANS_PATCH_DISTANCE = 3
TV_MAX_ITERATIONS = 200
WAVELET = "sym4"
WAVELET_LEVELS = 2

METRICS = {"psnr": psnr, "ssim": ssim}

# The largest parameter each denoiser accepts: far past the grids above, where each one has long since
# flattened a digit to its mean (a blur or median window wider than any image here, a weight or strength
# ten times the whole [0, 1] range). A larger value is a mistake (pixels for a fraction, say), not a setting.
MAX_PARAMETER = {
    "gaussian filter": 100.0,
    "median filter": 101,
    "total variation": 100.0,
    "non-local means": 10.0,
    "wavelet": 10.0,
}


def _check_batch(images, name: str = "images") -> np.ndarray:
    """Images float in [0, 1] of shape (N, H, W) or (N, H, W, 1) -> float32 (N, H, W)."""
    array = check_images(images, name)
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 3:
        raise ValueError(f"{name} must be a batch of grey images (N, H, W) or (N, H, W, 1), got shape {array.shape}")
    return array.astype(np.float32, copy=False)


def _positive(value, name: str, denoiser: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{denoiser!r}: {name} must be a number > 0, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{denoiser!r}: {name} must be a finite number > 0, got {value!r}")
    return float(value)


def _odd_size(value, name: str, denoiser: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise TypeError(f"{denoiser!r}: {name} must be an odd integer >= 1, got {value!r}")
    if not math.isfinite(value) or value != int(value) or value < 1 or int(value) % 2 == 0:
        raise ValueError(f"{denoiser!r}: {name} must be an odd integer >= 1 (3, 5, 7, ...), got {value!r}")
    return int(value)


def check_parameter(name: str, parameter):
    """Return ``parameter`` for denoiser ``name`` as the int or float it uses; raise if it is invalid or above ``MAX_PARAMETER``."""
    check_name(name)
    checker = _odd_size if name == "median filter" else _positive
    value = checker(parameter, PARAMETERS[name], name)
    if value > MAX_PARAMETER[name]:
        raise ValueError(f"{name!r}: {PARAMETERS[name]} must be at most {MAX_PARAMETER[name]}, got {parameter!r}; the grid tries {GRIDS[name]}")
    return value


def check_name(name: str) -> str:
    """Return ``name`` if it is a key of ``DENOISERS``, else raise naming the known denoisers."""
    if name not in DENOISERS:
        raise ValueError(f"unknown denoiser {name!r}; choose one of {list(DENOISERS)}")
    return name


def _finish(out) -> np.ndarray:
    return np.clip(out, 0.0, 1.0).astype(np.float32, copy=False)


def _per_image(function, images: np.ndarray, desc: str) -> np.ndarray:
    from tqdm.auto import tqdm

    out = np.empty_like(images)
    for i in tqdm(range(len(images)), desc=desc, leave=False, disable=len(images) <= PROGRESS_MIN_IMAGES):
        out[i] = function(images[i])
    return out


def gaussian_blur(images, sigma: float) -> np.ndarray:
    """Gaussian blur of each image (the whole batch at once); images (N, H, W) in [0, 1] -> float32 in [0, 1]."""
    sigma = check_parameter("gaussian filter", sigma)
    x = _check_batch(images)
    return _finish(gaussian_filter(x, sigma=(0.0, sigma, sigma), mode="nearest"))


def median(images, size: int) -> np.ndarray:
    """Median over a ``size`` x ``size`` window (odd) per image, whole batch at once -> float32 (N, H, W) in [0, 1]."""
    size = check_parameter("median filter", size)
    x = _check_batch(images)
    return _finish(median_filter(x, size=(1, size, size), mode="nearest"))


def total_variation(images, weight: float) -> np.ndarray:
    """Chambolle's total-variation denoising per image (larger weight, flatter) -> float32 (N, H, W) in [0, 1]."""
    from skimage.restoration import denoise_tv_chambolle

    weight = check_parameter("total variation", weight)
    x = _check_batch(images)
    return _finish(_per_image(lambda im: denoise_tv_chambolle(im, weight=weight, max_num_iter=TV_MAX_ITERATIONS), x, "total variation"))


def nl_means(images, h: float) -> np.ndarray:
    """Non-local means per image (5x5 patches, 7x7 search, fast mode; larger h, more averaging) -> float32 (N, H, W)."""
    from skimage.restoration import denoise_nl_means

    h = check_parameter("non-local means", h)
    x = _check_batch(images)

    def one(im):
        return denoise_nl_means(im, patch_size=NL_MEANS_PATCH_SIZE, patch_distance=NL_MEANS_PATCH_DISTANCE, h=h, fast_mode=True)

    return _finish(_per_image(one, x, "non-local means"))


def wavelet(images, sigma: float) -> np.ndarray:
    """BayesShrink soft thresholding of 2-level sym4 wavelets per image, noise ``sigma`` given -> float32 (N, H, W)."""
    sigma = check_parameter("wavelet", sigma)
    x = _check_batch(images)
    try:
        import pywt  # noqa: F401  (skimage's denoise_wavelet imports it only when called)
    except ImportError as err:
        raise ImportError("the 'wavelet' denoiser needs PyWavelets: pip install PyWavelets") from err
    from skimage.restoration import denoise_wavelet

    def one(im):
        return denoise_wavelet(
            im,
            sigma=sigma,
            wavelet=WAVELET,
            mode="soft",
            wavelet_levels=WAVELET_LEVELS,
            method="BayesShrink",
            rescale_sigma=True,
        )

    return _finish(_per_image(one, x, "wavelet"))


DENOISERS = {
    "gaussian filter": gaussian_blur,
    "median filter": median,
    "total variation": total_variation,
    "non-local means": nl_means,
    "wavelet": wavelet,
}


def denoise(name: str, images, parameter) -> np.ndarray:
    """Apply denoiser ``name`` with ``parameter`` to images (N, H, W) or (N, H, W, 1) in [0, 1]; same shape, float32."""
    check_name(name)
    shape = np.shape(images)
    return DENOISERS[name](images, parameter).reshape(shape)


def _check_grid(name: str, grid) -> list:
    values = list(GRIDS[name] if grid is None else grid)
    if not values:
        raise ValueError(f"the grid for {name!r} is empty; give at least one {PARAMETERS[name]}")
    values = [check_parameter(name, value) for value in values]
    if len(set(values)) != len(values):
        raise ValueError(f"the grid for {name!r} repeats a value: {values}")
    return values


def _check_pair(noisy, clean) -> tuple[np.ndarray, np.ndarray]:
    noisy, clean = _check_batch(noisy, "noisy_val"), _check_batch(clean, "clean_val")
    if noisy.shape != clean.shape:
        raise ValueError(f"noisy_val and clean_val must have the same shape, got {noisy.shape} and {clean.shape}")
    return noisy, clean


def tune(name: str, noisy_val, clean_val, grid=None, metric: str = "psnr") -> tuple[object, dict]:
    """Best parameter of ``name`` on validation pairs (N, H, W) in [0, 1] -> (parameter, {parameter: mean metric})."""
    check_name(name)
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {list(METRICS)}")
    values = _check_grid(name, grid)
    noisy, clean = _check_pair(noisy_val, clean_val)
    scores = {value: float(np.mean(METRICS[metric](clean, DENOISERS[name](noisy, value)))) for value in values}
    best = max(values, key=lambda value: scores[value])  # the first of equal scores, in grid order
    return best, scores


@dataclass
class ClassicalResult:
    """One tuned denoiser: its parameter, the denoised test images, and the seconds taken to tune and to apply."""

    name: str
    parameter: object
    denoised: np.ndarray
    seconds: float
    tune_seconds: float
    val_scores: dict = field(default_factory=dict)


def tune_and_apply(noisy_val, clean_val, noisy_test, names=None, grids=None, metric: str = "psnr") -> dict[str, ClassicalResult]:
    """Tune each denoiser on the validation pairs, then denoise ``noisy_test`` (N, H, W) with it -> {name: result}.

    ``names`` defaults to every key of ``DENOISERS``; ``grids`` maps a name to its own candidates. The test
    images are only ever denoised, never scored, so the chosen parameters cannot depend on them.
    """
    names = list(DENOISERS) if names is None else [check_name(name) for name in names]
    grids = dict(grids or {})
    for name in grids:
        check_name(name)
    for name in names:
        _check_grid(name, grids.get(name))
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {list(METRICS)}")
    noisy_val, clean_val = _check_pair(noisy_val, clean_val)
    _check_batch(noisy_test, "noisy_test")  # fail before the tuning, not after it
    results = {}
    for name in names:
        start = time.perf_counter()
        parameter, scores = tune(name, noisy_val, clean_val, grid=grids.get(name), metric=metric)
        tuned = time.perf_counter()
        denoised = denoise(name, noisy_test, parameter)
        results[name] = ClassicalResult(name, parameter, denoised, time.perf_counter() - tuned, tuned - start, scores)
    return results
