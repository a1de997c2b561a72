"""dae.metrics: PSNR and SSIM per image, checked against scikit-image, and their input checks."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from dae.data import to_float_images
from dae.metrics import psnr, ssim
from dae.noise import gaussian, salt_and_pepper

NOISE_LEVELS = [0.02, 0.1, 0.3, 0.6]


def _reference_psnr(clean, noisy):
    return np.array([peak_signal_noise_ratio(c, n, data_range=1) for c, n in zip(clean, noisy)])


def _reference_ssim(clean, noisy):
    return np.array([structural_similarity(c, n, data_range=1) for c, n in zip(clean, noisy)])


@pytest.fixture()
def smooth_images() -> np.ndarray:
    """Blurred random images in [0, 1], shape (6, 28, 28): structure for SSIM to see."""
    raw = gaussian_filter(np.random.RandomState(3).rand(6, 28, 28), sigma=(0, 1.5, 1.5))
    raw = (raw - raw.min()) / (raw.max() - raw.min())
    return raw.astype(np.float32)


# --- agreement with scikit-image ---------------------------------------------------------------


@pytest.mark.parametrize("sigma", NOISE_LEVELS)
def test_psnr_matches_skimage_on_random_images(smooth_images, sigma):
    noisy = gaussian(smooth_images, sigma, seed=1)
    np.testing.assert_allclose(psnr(smooth_images, noisy), _reference_psnr(smooth_images, noisy), atol=1e-4, rtol=0)


@pytest.mark.parametrize("sigma", NOISE_LEVELS)
def test_ssim_matches_skimage_on_random_images(smooth_images, sigma):
    noisy = gaussian(smooth_images, sigma, seed=1)
    np.testing.assert_allclose(ssim(smooth_images, noisy), _reference_ssim(smooth_images, noisy), atol=1e-4, rtol=0)


@pytest.mark.parametrize("sigma", NOISE_LEVELS)
def test_psnr_and_ssim_match_skimage_on_real_digits(mnist, sigma):
    clean = to_float_images(mnist[1][0][:16])
    noisy = gaussian(clean, sigma, seed=2)
    np.testing.assert_allclose(psnr(clean, noisy), _reference_psnr(clean, noisy), atol=1e-4, rtol=0)
    np.testing.assert_allclose(ssim(clean, noisy), _reference_ssim(clean, noisy), atol=1e-4, rtol=0)


def test_ssim_matches_skimage_on_salt_and_pepper(smooth_images):
    noisy = salt_and_pepper(smooth_images, 0.2, seed=0)
    np.testing.assert_allclose(ssim(smooth_images, noisy), _reference_ssim(smooth_images, noisy), atol=1e-4, rtol=0)


@pytest.mark.parametrize("win_size", [3, 5, 11])
def test_ssim_other_window_sizes_match_skimage(smooth_images, win_size):
    noisy = gaussian(smooth_images, 0.1, seed=5)
    expected = [structural_similarity(c, n, data_range=1, win_size=win_size) for c, n in zip(smooth_images, noisy)]
    np.testing.assert_allclose(ssim(smooth_images, noisy, win_size=win_size), expected, atol=1e-4, rtol=0)


def test_metrics_return_one_value_per_image(smooth_images):
    noisy = gaussian(smooth_images, 0.1, seed=0)
    assert psnr(smooth_images, noisy).shape == (6,)
    assert ssim(smooth_images, noisy).shape == (6,)


def test_more_noise_lowers_psnr_and_ssim(smooth_images):
    light, heavy = gaussian(smooth_images, 0.05, seed=0), gaussian(smooth_images, 0.4, seed=0)
    assert np.all(psnr(smooth_images, light) > psnr(smooth_images, heavy))
    assert np.all(ssim(smooth_images, light) > ssim(smooth_images, heavy))


# --- shapes ------------------------------------------------------------------------------------


def test_channel_axis_batch_equals_plain_batch(smooth_images):
    noisy = gaussian(smooth_images, 0.2, seed=0)
    plain_psnr, plain_ssim = psnr(smooth_images, noisy), ssim(smooth_images, noisy)
    np.testing.assert_array_equal(psnr(smooth_images[..., None], noisy), plain_psnr)
    np.testing.assert_array_equal(psnr(smooth_images, noisy[..., None]), plain_psnr)
    np.testing.assert_array_equal(ssim(smooth_images[..., None], noisy[..., None]), plain_ssim)


def test_identical_images_give_infinite_psnr(smooth_images):
    out = psnr(smooth_images, smooth_images)
    assert np.all(np.isinf(out)) and np.all(out > 0)


def test_identical_images_give_ssim_one(smooth_images):
    np.testing.assert_allclose(ssim(smooth_images, smooth_images), 1.0, atol=1e-12)


def test_identical_constant_images_give_ssim_one():
    flat = np.full((2, 16, 16), 0.3)
    np.testing.assert_allclose(ssim(flat, flat), 1.0, atol=1e-12)


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_shape_mismatch_raises(metric, smooth_images):
    with pytest.raises(ValueError, match="same shape"):
        metric(smooth_images, smooth_images[:3])


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_out_of_range_estimate_raises(metric, smooth_images):
    with pytest.raises(ValueError, match=r"estimate must lie in \[0, 1\]"):
        metric(smooth_images, smooth_images * 2.0)


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_uint8_input_raises_type_error(metric):
    digits = np.zeros((2, 28, 28), dtype=np.uint8)
    with pytest.raises(TypeError, match="clean must be floating point"):
        metric(digits, digits.astype(np.float32))


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_single_image_without_batch_axis_raises(metric, smooth_images):
    with pytest.raises(ValueError, match=r"\(N, H, W\)"):
        metric(smooth_images[0], smooth_images[0])


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_colour_images_raise(metric):
    colour = np.zeros((2, 16, 16, 3))
    with pytest.raises(ValueError, match="grey"):
        metric(colour, colour)


def test_images_smaller_than_window_raise():
    tiny = np.zeros((2, 6, 6))
    with pytest.raises(ValueError, match="smaller than the 7x7 window"):
        ssim(tiny, tiny)


@pytest.mark.parametrize("win_size", [1, 4])
def test_bad_window_size_raises(smooth_images, win_size):
    with pytest.raises(ValueError, match="win_size"):
        ssim(smooth_images, smooth_images, win_size=win_size)
