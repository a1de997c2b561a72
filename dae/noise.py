"""Noise for images in [0, 1]: the two classic tutorials' recipes exactly, and every mode of ``skimage.util.random_noise``.

Every function takes ``seed`` (an int, or a ``numpy.random.RandomState`` to continue a stream) and
returns a new float32 array of the input's shape, clipped to [0, 1]. The tutorials' recipes draw from
NumPy's legacy generator, so ``gaussian(x, 0.2, seed=s)`` equals the tutorial's
``np.random.seed(s); np.clip(x + 0.2 * np.random.normal(size=x.shape), 0, 1)`` bit for bit.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_images, check_non_negative, random_state

RANDOM_NOISE_MODES = ("gaussian", "localvar", "poisson", "salt", "pepper", "s&p", "speckle")


def gaussian(images, sigma: float = 0.2, seed=None) -> np.ndarray:
    """The dense tutorial's noise: ``clip(x + sigma * N(0, 1), 0, 1)``; images float in [0, 1], any shape."""
    x = check_images(images)
    sigma = check_non_negative(sigma, "sigma")
    noise = random_state(seed).normal(loc=0.0, scale=1.0, size=x.shape)
    return np.clip(x + sigma * noise, 0.0, 1.0).astype(np.float32)


def shifted_gaussian(images, loc: float = 0.5, scale: float = 0.5, seed=None) -> np.ndarray:
    """The convolutional tutorial's noise: ``clip(x + N(loc, scale), 0, 1)``; its mean brightens every pixel."""
    x = check_images(images)
    if not np.isfinite(loc):
        raise ValueError(f"loc must be finite, got {loc!r}")
    scale = check_non_negative(scale, "scale")
    noise = random_state(seed).normal(loc=loc, scale=scale, size=x.shape)
    return np.clip(x + noise, 0.0, 1.0).astype(np.float32)


def random_noise(images, mode: str, seed=None, **kwargs) -> np.ndarray:
    """``skimage.util.random_noise`` with a seed, for any of its modes (see ``RANDOM_NOISE_MODES``)."""
    from skimage.util import random_noise as _skimage_random_noise

    x = check_images(images)
    if mode not in RANDOM_NOISE_MODES:
        raise ValueError(f"mode must be one of {RANDOM_NOISE_MODES}, got {mode!r}")
    _check_random_noise_options(kwargs)
    rng = np.random.default_rng(random_state(seed).randint(0, 2**31 - 1))
    return _skimage_random_noise(x, mode=mode, rng=rng, clip=True, **kwargs).astype(np.float32)


def salt_and_pepper(images, amount: float = 0.2, seed=None) -> np.ndarray:
    """Real salt-and-pepper noise: a fraction ``amount`` of pixels set to 0 or 1 (equal odds)."""
    if not 0.0 <= amount <= 1.0:
        raise ValueError(f"amount must lie in [0, 1], got {amount!r}")
    return random_noise(images, mode="s&p", seed=seed, amount=amount)


def _check_random_noise_options(options: dict) -> None:
    """Raise unless each option of ``skimage.util.random_noise`` that is given has a value it can use."""
    if "mean" in options and not np.isfinite(options["mean"]):
        raise ValueError(f"mean must be a finite number, got {options['mean']!r}")
    if "var" in options:
        check_non_negative(options["var"], "var (the noise variance)")
    if "local_vars" in options:
        local = np.asarray(options["local_vars"], dtype=float)
        if not np.all(np.isfinite(local)) or np.any(local < 0):
            raise ValueError("local_vars must be finite variances >= 0")
    for name in ("amount", "salt_vs_pepper"):
        if name in options and not (np.isfinite(options[name]) and 0.0 <= options[name] <= 1.0):
            raise ValueError(f"{name} must lie in [0, 1], got {options[name]!r}")


# The book's named noise settings, as recorded in the results files.
SETTINGS = {
    "gauss0.2": lambda x, seed=None: gaussian(x, sigma=0.2, seed=seed),
    "gauss_shift0.5": lambda x, seed=None: shifted_gaussian(x, loc=0.5, scale=0.5, seed=seed),
    "sp0.2": lambda x, seed=None: salt_and_pepper(x, amount=0.2, seed=seed),
}


def add_noise(images, setting: str, seed=None) -> np.ndarray:
    """Apply a named setting: 'gauss0.2', 'gauss_shift0.5' or 'sp0.2' (see ``SETTINGS``)."""
    if setting not in SETTINGS:
        raise ValueError(f"unknown noise setting {setting!r}; choose one of {sorted(SETTINGS)}")
    return SETTINGS[setting](images, seed=seed)
