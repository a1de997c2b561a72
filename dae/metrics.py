"""Image quality measures over a batch: PSNR and SSIM per image, for images in [0, 1].

Both agree with ``skimage.metrics`` (``data_range=1``, SSIM's default 7x7 uniform window) to 1e-4;
SSIM is computed for the whole batch at once, so 10,000 digits take about a second.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter

from ._checks import check_images


def _as_batch(clean, estimate) -> tuple[np.ndarray, np.ndarray]:
    clean = check_images(clean, "clean").astype(np.float64)
    estimate = check_images(estimate, "estimate").astype(np.float64)
    # (N, H, W, 1) from convolutional models is the same batch as (N, H, W).
    if clean.ndim == 4 and clean.shape[-1] == 1:
        clean = clean[..., 0]
    if estimate.ndim == 4 and estimate.shape[-1] == 1:
        estimate = estimate[..., 0]
    if clean.shape != estimate.shape:
        raise ValueError(f"clean and estimate must have the same shape, got {clean.shape} and {estimate.shape}")
    if clean.ndim != 3:
        raise ValueError(f"expected a batch of grey images (N, H, W) or (N, H, W, 1), got shape {clean.shape}")
    return clean, estimate


def psnr(clean, estimate) -> np.ndarray:
    """Peak signal-to-noise ratio in dB per image, peak 1: ``10 log10(1 / MSE)``; shape (N,), inf where equal."""
    clean, estimate = _as_batch(clean, estimate)
    mse = np.mean((clean - estimate) ** 2, axis=(1, 2))
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(1.0 / mse)


def ssim(clean, estimate, win_size: int = 7) -> np.ndarray:
    """Structural similarity per image (scikit-image's defaults, data range 1); shape (N,), values <= 1."""
    clean, estimate = _as_batch(clean, estimate)
    if isinstance(win_size, bool) or not isinstance(win_size, (int, np.integer)) or win_size < 3 or win_size % 2 == 0:
        raise ValueError(f"win_size must be an odd integer >= 3, got {win_size!r}")
    if min(clean.shape[1:]) < win_size:
        raise ValueError(f"images of size {clean.shape[1:]} are smaller than the {win_size}x{win_size} window")
    c1, c2 = 0.01**2, 0.03**2
    size = (1, win_size, win_size)
    n = win_size * win_size
    cov_norm = n / (n - 1)  # sample covariance, as scikit-image uses by default
    ux, uy = uniform_filter(clean, size), uniform_filter(estimate, size)
    uxx, uyy = uniform_filter(clean * clean, size), uniform_filter(estimate * estimate, size)
    uxy = uniform_filter(clean * estimate, size)
    vx, vy, vxy = cov_norm * (uxx - ux * ux), cov_norm * (uyy - uy * uy), cov_norm * (uxy - ux * uy)
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux**2 + uy**2 + c1) * (vx + vy + c2))
    pad = (win_size - 1) // 2
    return s[:, pad:-pad, pad:-pad].mean(axis=(1, 2))
