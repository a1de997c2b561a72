"""dae.toy: points on the spiral, noisy pairs, the small denoiser and the field it learns (trained for a few seconds)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dae import toy


def test_curve_points_lie_on_the_curve_in_order():
    points = toy.curve_points(500, seed=0)
    assert points.shape == (500, 2) and points.dtype == np.float32
    assert toy.distance_to_curve(points).max() < 2e-3  # the curve is measured at 4,000 points along it
    radius = np.hypot(points[:, 0], points[:, 1])
    assert np.all(np.diff(radius) >= 0), "points come in order along the spiral (its radius grows)"


def test_same_seed_same_points_other_seed_other_points():
    assert np.array_equal(toy.curve_points(100, seed=3), toy.curve_points(100, seed=3))
    assert not np.array_equal(toy.curve_points(100, seed=3), toy.curve_points(100, seed=4))
    points = toy.curve_points(100, seed=0)
    first, second = toy.noisy_pairs(points, sigma=0.1, seed=7), toy.noisy_pairs(points, sigma=0.1, seed=7)
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
    assert not np.array_equal(first[0], toy.noisy_pairs(points, sigma=0.1, seed=8)[0])


def test_noisy_pairs_shapes_and_noise_level():
    points = toy.curve_points(1000, seed=0)
    noisy, clean = toy.noisy_pairs(points, sigma=0.2, seed=1, copies=3)
    assert noisy.shape == clean.shape == (3000, 2) and noisy.dtype == clean.dtype == np.float32
    assert np.array_equal(clean, np.repeat(points, 3, axis=0))
    assert abs((noisy - clean).std() - 0.2) < 0.01
    noiseless, _ = toy.noisy_pairs(points, sigma=0.0)
    assert np.array_equal(noiseless, points)


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: toy.curve_points(0), "n must be a positive integer"),
        (lambda: toy.noisy_pairs(np.zeros((5, 3))), "shape (n, 2)"),
        (lambda: toy.noisy_pairs(np.zeros((5, 2)), sigma=-0.1), "sigma must be a finite number >= 0"),
        (lambda: toy.noisy_pairs(np.zeros((5, 2)), copies=0), "copies must be a positive integer"),
        (lambda: toy.distance_to_curve(np.full((2, 2), np.nan)), "NaN"),
        (lambda: toy.toy_denoiser(hidden=0), "hidden must be a positive integer"),
    ],
)
def test_bad_inputs_are_named(call, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        call()


@pytest.fixture(scope="module")
def trained():
    """The denoiser trained for a few seconds on 1,000 points, each noised three times."""
    import keras

    keras.utils.set_random_seed(0)
    points = toy.curve_points(1000, seed=0)
    noisy, clean = toy.noisy_pairs(points, sigma=0.15, seed=1, copies=3)
    model = toy.toy_denoiser(hidden=64)
    model.fit(noisy, clean, epochs=10, batch_size=64, verbose=0)
    return model, points, noisy


def test_denoiser_maps_points_to_points(trained):
    model, _, _ = trained
    assert model.predict(np.zeros((7, 2), np.float32), verbose=0).shape == (7, 2)


def test_trained_field_points_towards_the_curve(trained):
    model, _, _ = trained
    fresh, _ = toy.noisy_pairs(toy.curve_points(500, seed=5), sigma=0.15, seed=6)
    before = toy.distance_to_curve(fresh).mean()
    after = toy.distance_to_curve(model.predict(fresh, verbose=0)).mean()
    assert after < 0.75 * before, (before, after)


def test_plot_draws_the_curve_the_points_and_one_arrow_per_grid_input(trained):
    model, points, noisy = trained
    fig = toy.plot_denoising_field(model, points, noisy, grid=9, title="a test")
    try:
        ax = fig.axes[0]
        quiver = next(c for c in ax.collections if c.__class__.__name__ == "Quiver")
        assert quiver.N == 81
        assert ax.get_title() == "a test"
        assert len(ax.lines) == 1 and len(ax.lines[0].get_xdata()) == len(points)
    finally:
        plt.close(fig)
