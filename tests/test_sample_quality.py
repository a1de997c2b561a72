"""dae.sample_quality: confident share, class histogram, Fréchet distance, and the classifier's shapes."""

import numpy as np
import pytest

from dae import sample_quality


def _probs(rows):
    return np.asarray(rows, dtype=np.float64)


def test_confident_share_counts_rows_at_or_above_the_threshold():
    probs = _probs([[0.95, 0.05], [0.5, 0.5], [0.1, 0.9], [0.3, 0.7]])
    assert sample_quality.confident_share(probs, 0.9) == pytest.approx(0.5)
    assert sample_quality.confident_share(probs, 0.6) == pytest.approx(0.75)


def test_class_histogram_is_the_share_of_each_label():
    probs = np.eye(10)[[0, 0, 3, 9]]
    histogram = sample_quality.class_histogram(probs)
    assert histogram.shape == (10,) and histogram.sum() == pytest.approx(1.0)
    assert histogram[0] == pytest.approx(0.5) and histogram[3] == histogram[9] == pytest.approx(0.25)
    assert np.count_nonzero(histogram) == 3


def test_frechet_distance_of_gaussians_matches_the_closed_form():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((20000, 3))
    b = 2.0 * rng.standard_normal((20000, 3)) + np.array([1.0, 0.0, 0.0])
    # Means 1 apart; covariances I and 4 I: 1 + 3 * (1 + 4 - 2 * 2) = 4.
    assert sample_quality.frechet_distance(a, b) == pytest.approx(4.0, rel=0.05)
    assert sample_quality.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert sample_quality.frechet_distance(a[:10000], a[10000:]) < 0.01


def test_frechet_distance_grows_as_sets_move_apart():
    rng = np.random.default_rng(1)
    base = rng.standard_normal((2000, 4))
    distances = [sample_quality.frechet_distance(base, rng.standard_normal((2000, 4)) + shift) for shift in (0.0, 0.5, 1.0, 2.0)]
    assert np.all(np.diff(distances) > 0), distances


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: sample_quality.confident_share(np.ones((3, 2))), "must be probabilities"),
        (lambda: sample_quality.confident_share(_probs([[0.5, 0.5]]), 0.0), "threshold must lie in"),
        (lambda: sample_quality.class_histogram(np.ones(3)), "probs must be"),
        (lambda: sample_quality.frechet_distance(np.ones((5, 2)), np.ones((5, 3))), "same number of features"),
        (lambda: sample_quality.frechet_distance(np.ones((1, 2)), np.ones((5, 2))), "N >= 2"),
        (lambda: sample_quality.digit_classifier(features=0), "features must be a positive integer"),
    ],
)
def test_bad_inputs_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_classifier_gives_probabilities_and_features():
    import keras

    keras.utils.set_random_seed(0)
    model = sample_quality.digit_classifier(features=16)
    digits = np.random.default_rng(2).uniform(0, 1, (7, 28, 28)).astype(np.float32)
    probs = sample_quality.probabilities(model, digits)
    assert probs.shape == (7, 10) and np.allclose(probs.sum(1), 1.0, atol=1e-5)
    assert sample_quality.features(model, digits[..., None]).shape == (7, 16)
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        sample_quality.probabilities(model, np.zeros((2, 14, 14), dtype=np.float32))
