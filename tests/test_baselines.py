"""dae.baselines: classical denoisers' outputs, tuning on validation images only, and input checks."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter as scipy_gaussian_filter
from skimage.filters import gaussian as skimage_gaussian

from dae import baselines
from dae.baselines import DENOISERS, GRIDS, PARAMETERS, ClassicalResult, denoise, tune, tune_and_apply
from dae.data import to_float_images
from dae.metrics import psnr
from dae.noise import gaussian, salt_and_pepper

HAVE_PYWT = importlib.util.find_spec("pywt") is not None
NAMES = [
    pytest.param(name, marks=pytest.mark.skipif(not HAVE_PYWT, reason="PyWavelets (pywt) is not installed")) if name == "wavelet" else name
    for name in DENOISERS
]
AVAILABLE = [name for name in DENOISERS if HAVE_PYWT or name != "wavelet"]


def synthetic_digits(n: int, seed: int = 0) -> np.ndarray:
    """Digit-like float32 images (n, 28, 28): two or three thick white strokes on black, edges softened."""
    rng = np.random.RandomState(seed)
    out = np.zeros((n, 28, 28))
    for image in out:
        for _ in range(rng.randint(2, 4)):
            width, length = rng.randint(3, 5), rng.randint(10, 19)
            top, left = rng.randint(4, 24 - width), rng.randint(4, 25 - length)
            if rng.rand() < 0.5:
                image[top : top + width, left : left + length] = 1.0
            else:
                image[left : left + length, top : top + width] = 1.0
    out = scipy_gaussian_filter(out, sigma=(0, 0.6, 0.6))
    return (out / out.max(axis=(1, 2), keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    """40 synthetic digits: the first 20 for validation, the last 20 for testing."""
    return synthetic_digits(40, seed=0)


@pytest.fixture(scope="module")
def gauss_results(digits):
    """Every available denoiser tuned on 20 noisy digits (sigma 0.2) and applied to 20 others."""
    clean_val, clean_test = digits[:20], digits[20:]
    noisy_val, noisy_test = gaussian(clean_val, 0.2, seed=1), gaussian(clean_test, 0.2, seed=2)
    return clean_test, noisy_test, tune_and_apply(noisy_val, clean_val, noisy_test, names=AVAILABLE)


# --- the registry and each denoiser's output ------------------------------------------------------


def test_registry_grids_and_parameter_names_agree():
    assert list(DENOISERS) == ["gaussian filter", "median filter", "total variation", "non-local means", "wavelet"]
    assert set(GRIDS) == set(DENOISERS) == set(PARAMETERS)
    for name, grid in GRIDS.items():
        assert 4 <= len(grid) <= 8, name
        assert list(grid) == sorted(set(grid)), f"{name}: grid should be increasing without repeats"
        assert [baselines.check_parameter(name, value) for value in grid] == list(grid)


@pytest.mark.parametrize("name", NAMES)
def test_denoiser_returns_float32_in_unit_range_with_input_shape(name, images):
    before = images.copy()
    for parameter in (GRIDS[name][0], GRIDS[name][-1]):
        out = DENOISERS[name](images, parameter)
        assert out.dtype == np.float32
        assert out.shape == images.shape
        assert np.all(np.isfinite(out)) and out.min() >= 0.0 and out.max() <= 1.0
    # The strongest setting changes the images (the weakest may not: non-local means with a tiny h
    # gives other patches no weight at all).
    assert np.abs(out - images).mean() > 0.01, "the denoiser changed nothing"
    np.testing.assert_array_equal(images, before)  # the input is left alone


@pytest.mark.parametrize("name", NAMES)
def test_denoise_keeps_a_channel_axis_and_accepts_float64(name, images):
    with_channel = images[..., None].astype(np.float64)
    out = denoise(name, with_channel, GRIDS[name][1])
    assert out.shape == with_channel.shape and out.dtype == np.float32
    np.testing.assert_allclose(out[..., 0], denoise(name, images, GRIDS[name][1]), atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_batch_is_denoised_image_by_image(name, images):
    """Images never mix: the batch result equals denoising each image alone (the batched filters too)."""
    batch = denoise(name, images[:4], GRIDS[name][2])
    alone = np.concatenate([denoise(name, images[i : i + 1], GRIDS[name][2]) for i in range(4)])
    np.testing.assert_allclose(batch, alone, atol=1e-6)


def test_filters_match_scipy_and_skimage_directly(images):
    np.testing.assert_allclose(
        denoise("gaussian filter", images, 1.0),
        np.stack([skimage_gaussian(im, sigma=1.0, mode="nearest") for im in images]),
        atol=1e-5,
    )
    from skimage.filters import median
    from skimage.morphology import footprint_rectangle

    np.testing.assert_allclose(
        denoise("median filter", images, 5),
        np.stack([median(im, footprint_rectangle((5, 5)), mode="nearest") for im in images]),
        atol=1e-6,
    )


# --- denoising quality -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_tuned_denoiser_improves_psnr_on_gaussian_noise(name, gauss_results):
    clean_test, noisy_test, results = gauss_results
    result = results[name]
    noisy_db, denoised_db = psnr(clean_test, noisy_test).mean(), psnr(clean_test, result.denoised).mean()
    assert denoised_db > noisy_db + 1.0, f"{name} ({PARAMETERS[name]}={result.parameter}): {denoised_db:.2f} dB vs noisy {noisy_db:.2f} dB"


def test_every_tuned_denoiser_improves_psnr_on_real_digits(mnist):
    _, (x_test, _) = mnist
    clean = to_float_images(x_test[:30])
    clean_val, clean_test = clean[:15], clean[15:]
    noisy_val, noisy_test = gaussian(clean_val, 0.2, seed=3), gaussian(clean_test, 0.2, seed=4)
    noisy_db = psnr(clean_test, noisy_test).mean()
    for name, result in tune_and_apply(noisy_val, clean_val, noisy_test, names=AVAILABLE).items():
        denoised_db = psnr(clean_test, result.denoised).mean()
        assert denoised_db > noisy_db + 1.0, f"{name}: {denoised_db:.2f} dB vs noisy {noisy_db:.2f} dB"


def test_median_filter_beats_gaussian_filter_on_salt_and_pepper(digits):
    clean_val, clean_test = digits[:20], digits[20:]
    noisy_val, noisy_test = salt_and_pepper(clean_val, 0.2, seed=5), salt_and_pepper(clean_test, 0.2, seed=6)
    results = tune_and_apply(noisy_val, clean_val, noisy_test, names=["gaussian filter", "median filter"])
    median_db = psnr(clean_test, results["median filter"].denoised).mean()
    gaussian_db = psnr(clean_test, results["gaussian filter"].denoised).mean()
    assert median_db > gaussian_db + 1.0, f"median {median_db:.2f} dB vs gaussian {gaussian_db:.2f} dB"


# --- tuning ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_tune_returns_the_grid_value_with_the_best_score(name, digits):
    clean = digits[:12]
    noisy = gaussian(clean, 0.2, seed=7)
    best, scores = tune(name, noisy, clean)
    assert list(scores) == list(GRIDS[name])
    assert best == max(scores, key=scores.get)
    for value in (GRIDS[name][0], best):  # the scores are the mean PSNR of the denoised images
        assert scores[value] == pytest.approx(psnr(clean, denoise(name, noisy, value)).mean(), abs=1e-9)


def test_tune_matches_a_direct_computation_for_the_gaussian_filter(digits):
    clean = digits[:12]
    noisy = gaussian(clean, 0.2, seed=8)
    grid = [3.0, 0.6, 0.3, 1.0]  # any order
    direct = {}
    for sigma in grid:
        blurred = np.stack([skimage_gaussian(im, sigma=sigma, mode="nearest") for im in noisy])
        mse = np.mean((blurred.astype(np.float64) - clean) ** 2, axis=(1, 2))
        direct[sigma] = float(np.mean(10 * np.log10(1 / mse)))
    best, scores = tune("gaussian filter", noisy, clean, grid=grid)
    assert list(scores) == grid
    for sigma in grid:
        assert scores[sigma] == pytest.approx(direct[sigma], abs=1e-3)
    assert best == max(direct, key=direct.get)
    assert best not in (grid[0], grid[-1])  # the winner is in the middle, so neither end is taken blindly


def test_tune_with_one_value_and_a_float_median_size(digits):
    clean = digits[:6]
    noisy = gaussian(clean, 0.2, seed=9)
    best, scores = tune("median filter", noisy, clean, grid=[5.0])
    assert best == 5 and isinstance(best, int) and list(scores) == [5]


def test_tuning_never_uses_the_test_images(digits):
    clean_val, clean_test = digits[:20], digits[20:]
    noisy_val = gaussian(clean_val, 0.2, seed=10)
    # Test sets that would pick other parameters if they were scored: much heavier noise, and pure noise.
    heavy_test = salt_and_pepper(clean_test, 0.4, seed=11)
    other_test = np.random.RandomState(12).rand(20, 28, 28).astype(np.float32)
    names = ["gaussian filter", "median filter", "total variation"]
    first = tune_and_apply(noisy_val, clean_val, heavy_test, names=names)
    for test in (other_test, heavy_test[:7]):
        again = tune_and_apply(noisy_val, clean_val, test, names=names)
        for name in names:
            assert again[name].parameter == first[name].parameter
            assert again[name].val_scores == first[name].val_scores
            assert again[name].denoised.shape == test.shape
    # The check can fail: tuned on the test pairs themselves, some choice would differ.
    on_test = {name: tune(name, heavy_test, clean_test)[0] for name in names}
    assert any(on_test[name] != first[name].parameter for name in names), on_test


def test_tune_and_apply_records_each_result(gauss_results):
    _, noisy_test, results = gauss_results
    assert list(results) == AVAILABLE
    for name, result in results.items():
        assert isinstance(result, ClassicalResult) and result.name == name
        assert result.parameter in GRIDS[name]
        assert result.parameter == max(result.val_scores, key=result.val_scores.get)
        assert result.seconds >= 0 and result.tune_seconds > 0
        np.testing.assert_array_equal(result.denoised, denoise(name, noisy_test, result.parameter))


def test_progress_bar_only_for_long_loops(monkeypatch, capsys, images):
    denoise("total variation", images, 0.1)
    assert "total variation" not in capsys.readouterr().err
    monkeypatch.setattr(baselines, "PROGRESS_MIN_IMAGES", 2)
    denoise("total variation", images, 0.1)
    assert "total variation" in capsys.readouterr().err


# --- errors ----------------------------------------------------------------------------------------


def test_unknown_denoiser_lists_the_known_ones(images):
    for call in (
        lambda: denoise("bilateral", images, 1.0),
        lambda: tune("bilateral", images, images),
        lambda: tune_and_apply(images, images, images, names=["median filter", "bilateral"]),
        lambda: tune_and_apply(images, images, images, grids={"bilateral": [1.0]}),
    ):
        with pytest.raises(ValueError, match=r"unknown denoiser 'bilateral'.*'gaussian filter'.*'wavelet'"):
            call()


@pytest.mark.parametrize("name", list(DENOISERS))
def test_images_must_be_float_in_unit_range(name, images):
    parameter = GRIDS[name][0]
    with pytest.raises(TypeError, match="floating point"):
        denoise(name, (images * 255).astype(np.uint8), parameter)
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\], got values from"):
        denoise(name, images * 2, parameter)
    with pytest.raises(ValueError, match="NaN"):
        denoise(name, np.where(images > 0.5, np.nan, images), parameter)
    with pytest.raises(ValueError, match=r"batch of grey images .* got shape \(8, 784\)"):
        denoise(name, images.reshape(8, 784), parameter)


def test_validation_shapes_must_match(images):
    with pytest.raises(ValueError, match=r"same shape, got \(8, 28, 28\) and \(7, 28, 28\)"):
        tune("median filter", images, images[:7])
    with pytest.raises(ValueError, match="same shape"):
        tune_and_apply(images, images[:, :27], images, names=["median filter"])


def test_bad_test_images_fail_before_any_tuning(images, monkeypatch):
    monkeypatch.setattr(baselines, "tune", lambda *a, **k: pytest.fail("tuned before checking the test images"))
    with pytest.raises(TypeError, match="noisy_test must be floating point"):
        tune_and_apply(images, images, (images * 255).astype(np.uint8), names=["median filter"])


def test_empty_or_repeating_grid(images):
    with pytest.raises(ValueError, match="grid for 'total variation' is empty; give at least one weight"):
        tune("total variation", images, images, grid=[])
    with pytest.raises(ValueError, match="empty"):
        tune_and_apply(images, images, images, names=["median filter"], grids={"median filter": ()})
    with pytest.raises(ValueError, match="repeats a value"):
        tune("median filter", images, images, grid=[3, 5, 3.0])


@pytest.mark.parametrize(
    "name, parameter, error, message",
    [
        ("median filter", 4, ValueError, r"size must be an odd integer >= 1 \(3, 5, 7, \.\.\.\), got 4"),
        ("median filter", 0, ValueError, "odd integer"),
        ("median filter", 3.5, ValueError, "odd integer"),
        ("median filter", True, TypeError, "odd integer"),
        ("gaussian filter", -1.0, ValueError, r"'gaussian filter': sigma must be a finite number > 0, got -1.0"),
        ("gaussian filter", 0, ValueError, "> 0"),
        ("total variation", float("nan"), ValueError, "weight must be a finite number > 0, got nan"),
        ("non-local means", float("inf"), ValueError, "h must be a finite number > 0"),
        ("wavelet", -0.1, ValueError, "sigma must be a finite number > 0"),
        ("wavelet", None, TypeError, "sigma must be a number > 0, got None"),
        ("total variation", "0.1", TypeError, "weight must be a number"),
    ],
)
def test_invalid_parameters(name, parameter, error, message, images):
    with pytest.raises(error, match=message):
        denoise(name, images, parameter)
    with pytest.raises(error, match=message):  # a bad grid value fails before any denoising
        tune(name, images, images, grid=[GRIDS[name][0], parameter])


def test_unknown_metric(images):
    with pytest.raises(ValueError, match=r"unknown metric 'mse'; choose one of \['psnr', 'ssim'\]"):
        tune("median filter", images, images, metric="mse")
    best, scores = tune("median filter", images, images, grid=[3, 5], metric="ssim")
    assert best in (3, 5) and all(value <= 1 for value in scores.values())


def test_wavelet_without_pywavelets_says_what_to_install(monkeypatch, images):
    monkeypatch.setitem(sys.modules, "pywt", None)  # makes `import pywt` raise ImportError
    with pytest.raises(ImportError, match="needs PyWavelets: pip install PyWavelets"):
        denoise("wavelet", images, 0.1)


@pytest.mark.parametrize(
    "name, parameter, shown",
    [
        ("gaussian filter", 1.0, "Gaussian filter (σ = 1)"),
        ("median filter", 3, "median filter (3 × 3)"),
        ("total variation", 0.07, "total variation (weight = 0.07)"),
        ("non-local means", 0.15, "non-local means (h = 0.15)"),
        ("wavelet", 0.1, "wavelet shrinkage (σ = 0.1)"),
    ],
)
def test_label_names_each_denoiser_and_its_parameter_for_a_reader(name, parameter, shown):
    assert baselines.label(name, parameter) == shown
