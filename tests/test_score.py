"""dae.score: Tweedie's formula on the toy, the noise-conditional denoiser and annealed Langevin dynamics."""

import numpy as np
import pytest

from dae import score, toy


class _ExactDenoiser:
    """The best denoiser for data at one point, the origin: E[x | noisy] = 0, so its scaled noise is noisy / sigma."""

    def __call__(self, inputs, training=False):
        points, log_sigma = inputs
        return points / np.exp(log_sigma)


def test_tweedie_score_of_a_point_mass_is_minus_x_over_sigma_squared():
    points = np.array([[1.0, 0.0], [0.0, -2.0]], dtype=np.float32)
    for sigma in (0.1, 1.0):
        assert np.allclose(score.denoise(_ExactDenoiser(), points, sigma), 0.0, atol=1e-6)
        assert np.allclose(score.score(_ExactDenoiser(), points, sigma), -points / sigma**2, rtol=1e-5)


def test_langevin_with_the_exact_score_samples_the_noisy_density():
    # For data at the origin, the noisy density at sigma is N(0, sigma² I): Langevin dynamics must end with that spread.
    start = np.random.default_rng(0).uniform(-3, 3, (4000, 2)).astype(np.float32)
    final, path = score.annealed_langevin(_ExactDenoiser(), start, np.array([1.0, 0.5]), steps=200, step_size=0.02, finish=False)
    assert path.shape == (3, 4000, 2) and np.array_equal(path[0], start)
    assert final.std() == pytest.approx(0.5, rel=0.1)
    finished, _ = score.annealed_langevin(_ExactDenoiser(), start, np.array([1.0, 0.5]), steps=5, step_size=0.02)
    assert np.allclose(finished, 0.0, atol=1e-5)


def test_training_pairs_noise_levels_and_targets():
    curve = toy.curve_points(100, seed=0)
    (noisy, log_sigma), noise = score.training_pairs(curve, sigma_min=0.1, sigma_max=1.0, copies=20, seed=0)
    assert noisy.shape == noise.shape == (2000, 2) and log_sigma.shape == (2000, 1)
    sigma = np.exp(log_sigma)
    assert sigma.min() >= 0.1 - 1e-6 and sigma.max() <= 1.0 + 1e-6
    assert np.allclose(noisy, np.repeat(curve, 20, axis=0) + sigma * noise, atol=1e-5)


def test_sigma_levels_fall_geometrically():
    levels = score.sigma_levels(2.0, 0.02, 5)
    assert levels[0] == pytest.approx(2.0) and levels[-1] == pytest.approx(0.02)
    assert np.allclose(levels[1:] / levels[:-1], levels[1] / levels[0])


def test_share_near_curve():
    on = toy.curve_points(50, seed=0)
    assert score.share_near_curve(on, 0.01) == 1.0
    assert score.share_near_curve(on + np.array([5.0, 5.0], dtype=np.float32), 0.1) == 0.0


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: score.training_pairs(np.zeros((3, 2)), sigma_min=1.0, sigma_max=0.5), "sigma_min < sigma_max"),
        (lambda: score.annealed_langevin(_ExactDenoiser(), np.zeros((3, 3)), [1.0]), r"\(N, 2\)"),
        (lambda: score.annealed_langevin(_ExactDenoiser(), np.zeros((3, 2)), [0.5, 1.0]), "fall strictly"),
        (lambda: score.noise_conditional_denoiser(hidden=0), "hidden must be a positive integer"),
    ],
)
def test_bad_inputs_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_a_trained_denoiser_points_back_to_the_curve():
    import keras

    keras.utils.set_random_seed(0)
    curve = toy.curve_points(500, seed=0)
    model = score.noise_conditional_denoiser(hidden=64)
    inputs, targets = score.training_pairs(curve, sigma_min=0.05, sigma_max=1.0, copies=40, seed=1)
    model.fit(list(inputs), targets, epochs=4, batch_size=64, verbose=0)
    noisy, _ = toy.noisy_pairs(toy.curve_points(300, seed=4), sigma=0.1, seed=5)
    before = toy.distance_to_curve(noisy).mean()
    after = toy.distance_to_curve(score.denoise(model, noisy, 0.1)).mean()
    assert after < 0.7 * before, (before, after)
