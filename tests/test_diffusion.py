"""dae.diffusion: the noise schedule, v and its inverse, the U-Net's shapes, DDIM sampling, training and the slider."""

import numpy as np
import pytest

from dae import diffusion


def test_schedule_runs_from_the_digit_to_pure_noise():
    t = np.linspace(0, 1, 101)
    alpha_bar = diffusion.alpha_bar(t)
    assert alpha_bar[0] == pytest.approx(1.0) and alpha_bar[-1] < 1e-4
    assert np.all(np.diff(alpha_bar) <= 0)
    assert np.allclose(diffusion.noise_std(t) ** 2 + alpha_bar, 1.0)


def test_v_and_its_split_are_inverse():
    rng = np.random.default_rng(0)
    clean = rng.uniform(-1, 1, (6, 28, 28, 1)).astype(np.float32)
    noise = rng.standard_normal(clean.shape).astype(np.float32)
    t = np.linspace(0.05, 0.95, 6)
    x_t, v = diffusion.noisy_batch(clean, t, noise)
    x0, eps = diffusion.split_prediction(x_t, v, t)
    assert np.allclose(x0, clean, atol=1e-4) and np.allclose(eps, noise, atol=1e-4)


def test_level_features_differ_between_levels():
    features = diffusion.level_features(np.array([0.0, 0.5, 1.0]))
    assert features.shape == (3, diffusion.LEVEL_FEATURES)
    assert np.abs(features[0] - features[1]).max() > 0.1 and np.abs(features[1] - features[2]).max() > 0.1


class _Oracle:
    """A perfect v-predictor for data that is one fixed image: with v the sampler must land on that image."""

    def __init__(self, image):
        self.image = image

    def __call__(self, inputs, training=False):
        import tensorflow as tf

        x_t, level = inputs
        x_t = np.asarray(x_t)
        t = self.t
        a, s = np.sqrt(diffusion.alpha_bar(t)), diffusion.noise_std(t)
        eps = (x_t - a * self.image) / max(s, 1e-6)
        return tf.constant((a * eps - s * self.image).astype(np.float32))


def test_ddim_walks_from_noise_to_the_only_digit(monkeypatch):
    image = np.zeros((1, 28, 28, 1), dtype=np.float32)
    image[0, 10:18, 12:16] = 1.0
    target = image * 2 - 1
    oracle = _Oracle(target)
    real_predict = diffusion._predict_v

    def predict(model, x_t, t, batch_size=500):
        oracle.t = t
        return real_predict(model, x_t, t, batch_size)

    monkeypatch.setattr(diffusion, "_predict_v", predict)
    noise = diffusion.pure_noise(3, seed=0)
    images, path = diffusion.ddim_sample(oracle, noise, steps=5, keep_path=True)
    assert images.shape == (3, 28, 28, 1) and images.min() >= 0 and images.max() <= 1
    assert np.allclose(images, image, atol=1e-3)
    assert path["x"].shape == path["x0"].shape == (6, 3, 28, 28, 1) and path["noise_std"].shape == (6,)
    assert path["noise_std"][0] > 0.99 and path["noise_std"][-1] < 1e-3


def test_unet_shapes_and_a_short_training_lowers_the_loss():
    import keras

    keras.utils.set_random_seed(0)
    model = diffusion.noise_conditional_unet(filters=(8, 16), embedding=16)
    out = model([np.zeros((2, 28, 28, 1), np.float32), diffusion.level_features(np.array([0.1, 0.9]))])
    assert tuple(out.shape) == (2, 28, 28, 1)
    digits = np.zeros((64, 28, 28, 1), dtype=np.float32)
    digits[:, 8:20, 12:16] = 1.0
    average, info = diffusion.train(model, digits, steps=120, batch_size=16, learning_rate=5e-3, lines=3)
    assert len(info["losses"]) == 3 and info["losses"][-1] < 0.7 * info["losses"][0], info["losses"]
    assert average is not model and len(average.weights) == len(model.weights)
    assert not all(np.array_equal(a, b) for a, b in zip(average.get_weights(), model.get_weights())), "the average lags the weights"


def test_slider_html_holds_every_step():
    rng = np.random.default_rng(0)
    path = {"noise_std": np.linspace(1, 0, 4), "x": rng.uniform(0, 1, (4, 2, 28, 28, 1)), "x0": rng.uniform(0, 1, (4, 2, 28, 28, 1))}
    html = diffusion.sampling_slider_html({"one": path, "two": path})
    assert html.count("<option") == 4 and 'data-kind="image"' in html and "noise left" in html
    assert 'alt="the digit sample 1 ends at"' in html and '"alt":{"clean":"the digit sample {digit} ends at"' in html
    with pytest.raises(ValueError, match="paths is empty"):
        diffusion.sampling_slider_html({})


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: diffusion.alpha_bar(1.5), "t must lie in"),
        (lambda: diffusion.noise_conditional_unet(filters=(8, 16, 32)), "divisible by 8"),
        (lambda: diffusion.ddim_sample(None, np.zeros((2, 28, 28)), steps=3), r"\(N, H, W, 1\)"),
        (lambda: diffusion.ddim_sample(None, np.zeros((2, 28, 28, 1)), steps=0), "steps must be a positive integer"),
        (lambda: diffusion.pure_noise(0), "count must be a positive integer"),
    ],
)
def test_bad_inputs_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
