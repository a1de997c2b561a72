"""dae.noise: the seeds' recipes bit for bit, skimage's modes, salt and pepper, and input checks."""

from __future__ import annotations

import numpy as np
import pytest

from dae._checks import check_images
from dae.noise import (
    RANDOM_NOISE_MODES,
    SETTINGS,
    add_noise,
    gaussian,
    random_noise,
    salt_and_pepper,
    shifted_gaussian,
)

SEEDS = [0, 1, 42, 2024]


def _seed_recipe_gaussian(x, sigma, seed):
    np.random.seed(seed)
    return np.clip(x + sigma * np.random.normal(loc=0.0, scale=1.0, size=x.shape), 0.0, 1.0)


def _seed_recipe_shifted(x, seed):
    np.random.seed(seed)
    return np.clip(x + np.random.normal(loc=0.5, scale=0.5, size=x.shape), 0.0, 1.0)


# --- the seeds' recipes, bit for bit -----------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_equals_seed_recipe_bit_for_bit(images, seed):
    expected = _seed_recipe_gaussian(images, 0.2, seed).astype(np.float32)
    out = gaussian(images, 0.2, seed=seed)
    assert out.tobytes() == expected.tobytes()


@pytest.mark.parametrize("seed", SEEDS)
def test_shifted_gaussian_equals_seed_recipe_bit_for_bit(images, seed):
    expected = _seed_recipe_shifted(images, seed).astype(np.float32)
    out = shifted_gaussian(images, seed=seed)
    assert out.tobytes() == expected.tobytes()


def test_gaussian_equals_seed_recipe_on_float64_digits(images):
    x = images.astype(np.float64)
    expected = _seed_recipe_gaussian(x, 0.2, 9).astype(np.float32)
    assert gaussian(x, 0.2, seed=9).tobytes() == expected.tobytes()


def test_gaussian_does_not_touch_global_numpy_state(images):
    np.random.seed(7)
    first = np.random.rand()
    np.random.seed(7)
    gaussian(images, 0.2, seed=3)
    assert np.random.rand() == first


def test_gaussian_random_state_continues_a_stream(images):
    rng = np.random.RandomState(5)
    a = gaussian(images, 0.2, seed=rng)
    b = gaussian(images, 0.2, seed=rng)
    assert not np.array_equal(a, b)
    rng = np.random.RandomState(5)
    np.testing.assert_array_equal(gaussian(images, 0.2, seed=rng), a)


def test_gaussian_sigma_zero_returns_input(images):
    np.testing.assert_array_equal(gaussian(images, 0.0, seed=0), images)


# --- determinism -------------------------------------------------------------------------------


NOISES = {
    "gaussian": lambda x, seed: gaussian(x, 0.2, seed=seed),
    "shifted_gaussian": lambda x, seed: shifted_gaussian(x, seed=seed),
    "salt_and_pepper": lambda x, seed: salt_and_pepper(x, 0.2, seed=seed),
    "random_noise_speckle": lambda x, seed: random_noise(x, "speckle", seed=seed),
}


@pytest.mark.parametrize("noise", NOISES.values(), ids=NOISES.keys())
def test_same_seed_gives_same_output(images, noise):
    np.testing.assert_array_equal(noise(images, 11), noise(images, 11))


@pytest.mark.parametrize("noise", NOISES.values(), ids=NOISES.keys())
def test_different_seed_gives_different_output(images, noise):
    assert not np.array_equal(noise(images, 11), noise(images, 12))


@pytest.mark.parametrize("noise", NOISES.values(), ids=NOISES.keys())
def test_output_is_float32_same_shape_in_unit_range(images, noise):
    out = noise(images, 0)
    assert out.dtype == np.float32
    assert out.shape == images.shape
    assert out.min() >= 0.0 and out.max() <= 1.0


@pytest.mark.parametrize("noise", NOISES.values(), ids=NOISES.keys())
def test_noise_returns_a_new_array_and_leaves_input_alone(images, noise):
    before = images.copy()
    out = noise(images, 0)
    assert out is not images
    np.testing.assert_array_equal(images, before)


def test_noise_accepts_any_shape():
    x = np.full((3, 5, 7, 1), 0.5, dtype=np.float64)
    assert gaussian(x, 0.1, seed=0).shape == x.shape
    assert salt_and_pepper(x, 0.1, seed=0).shape == x.shape


def test_shifted_gaussian_brightens_on_average(images):
    out = shifted_gaussian(images, seed=0)
    assert out.mean() > images.mean() + 0.2


# --- salt and pepper ---------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0.05, 0.2, 0.5])
def test_salt_and_pepper_flips_about_amount_of_pixels(grey_images, amount):
    out = salt_and_pepper(grey_images, amount, seed=0)
    n = out.size  # 4096 pixels
    flipped = np.mean((out == 0.0) | (out == 1.0))
    tolerance = 4 * np.sqrt(amount * (1 - amount) / n)  # four binomial standard deviations
    assert abs(flipped - amount) < tolerance


def test_salt_and_pepper_leaves_other_pixels_unchanged(grey_images):
    out = salt_and_pepper(grey_images, 0.2, seed=0)
    untouched = (out != 0.0) & (out != 1.0)
    np.testing.assert_array_equal(out[untouched], 0.5)


def test_salt_and_pepper_uses_both_salt_and_pepper(grey_images):
    out = salt_and_pepper(grey_images, 0.2, seed=0)
    salt, pepper = np.sum(out == 1.0), np.sum(out == 0.0)
    assert salt > 0 and pepper > 0
    assert 0.4 < salt / (salt + pepper) < 0.6


def test_salt_and_pepper_amount_zero_changes_nothing(grey_images):
    np.testing.assert_array_equal(salt_and_pepper(grey_images, 0.0, seed=0), grey_images)


@pytest.mark.parametrize("amount", [1.5, -0.1, float("nan")])
def test_salt_and_pepper_rejects_amount_outside_unit_range(images, amount):
    with pytest.raises(ValueError, match="amount"):
        salt_and_pepper(images, amount, seed=0)


def assert_fresh_noisy_copy(out, images):
    """A noise function's output: float32, the input's shape, inside [0, 1], and changed."""
    assert out.dtype == np.float32
    assert out.shape == images.shape
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert not np.array_equal(out, images)


# --- every skimage mode ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", RANDOM_NOISE_MODES)
def test_every_random_noise_mode_runs_and_stays_in_unit_range(images, mode):
    out = random_noise(images, mode, seed=0)
    assert_fresh_noisy_copy(out, images)


def test_random_noise_rejects_unknown_mode(images):
    with pytest.raises(ValueError, match="mode"):
        random_noise(images, "blur", seed=0)


# --- input checks ------------------------------------------------------------------------------


def test_uint8_input_raises_type_error():
    with pytest.raises(TypeError, match="to_float_images"):
        gaussian(np.zeros((2, 28, 28), dtype=np.uint8), 0.2, seed=0)


@pytest.mark.parametrize("bad", [1.5, -0.25])
def test_values_outside_unit_range_raise_value_error_naming_the_range(images, bad):
    x = images.copy()
    x[0, 0, 0] = bad
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        gaussian(x, 0.2, seed=0)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_raises_value_error(images, bad):
    x = images.copy()
    x[1, 2, 3] = bad
    with pytest.raises(ValueError, match="NaN or infinite"):
        shifted_gaussian(x, seed=0)


def test_empty_input_raises_value_error():
    with pytest.raises(ValueError, match="empty"):
        check_images(np.zeros((0, 28, 28), dtype=np.float32))


def test_negative_sigma_raises_value_error(images):
    with pytest.raises(ValueError, match="sigma"):
        gaussian(images, -0.1, seed=0)


def test_nan_sigma_raises_value_error(images):
    with pytest.raises(ValueError, match="sigma"):
        gaussian(images, float("nan"), seed=0)


def test_negative_scale_raises_value_error(images):
    with pytest.raises(ValueError, match="scale"):
        shifted_gaussian(images, scale=-0.5, seed=0)


def test_non_finite_loc_raises_value_error(images):
    with pytest.raises(ValueError, match="loc"):
        shifted_gaussian(images, loc=float("inf"), seed=0)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_bad_seed_raises_value_error(images, seed):
    with pytest.raises(ValueError, match="seed"):
        gaussian(images, 0.2, seed=seed)


# --- named settings ----------------------------------------------------------------------------


def test_settings_names_are_the_books_three():
    assert set(SETTINGS) == {"gauss0.2", "gauss_shift0.5", "sp0.2"}


@pytest.mark.parametrize("setting", ["gauss0.2", "gauss_shift0.5", "sp0.2"])
def test_add_noise_named_setting_works(images, setting):
    out = add_noise(images, setting, seed=3)
    assert_fresh_noisy_copy(out, images)


def test_add_noise_gauss02_is_gaussian_sigma_02(images):
    np.testing.assert_array_equal(add_noise(images, "gauss0.2", seed=4), gaussian(images, 0.2, seed=4))


def test_add_noise_gauss_shift_is_shifted_gaussian(images):
    np.testing.assert_array_equal(add_noise(images, "gauss_shift0.5", seed=4), shifted_gaussian(images, 0.5, 0.5, seed=4))


def test_add_noise_sp02_is_salt_and_pepper_02(images):
    np.testing.assert_array_equal(add_noise(images, "sp0.2", seed=4), salt_and_pepper(images, 0.2, seed=4))


def test_add_noise_unknown_setting_raises_value_error(images):
    with pytest.raises(ValueError, match="gauss0.3"):
        add_noise(images, "gauss0.3", seed=0)
