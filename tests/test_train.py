"""dae.train: tf.data batching, one tiny timed fit, and predict's clipping."""

from __future__ import annotations

import numpy as np
import pytest

from dae.models import dense_autoencoder
from dae.train import TrainResult, fit, make_dataset, predict


@pytest.fixture(scope="module")
def tiny_data():
    rng = np.random.RandomState(0)
    clean = rng.rand(64, 28, 28).astype(np.float32)
    noisy = np.clip(clean + 0.2 * rng.normal(size=clean.shape), 0, 1).astype(np.float32)
    return noisy, clean


@pytest.fixture(scope="module")
def tiny_model():
    _, _, autoencoder = dense_autoencoder(code_size=8)
    autoencoder.compile(optimizer="adam", loss="mse")
    return autoencoder


@pytest.fixture(scope="module")
def timed_run(tiny_model, tiny_data):
    """The one training run of this module (64 images, 2 epochs, batch 16, with a validation pair) and its wall time."""
    import time

    noisy, clean = tiny_data
    start = time.perf_counter()
    result = fit(tiny_model, noisy, clean, epochs=2, batch_size=16, validation=(noisy[:16], clean[:16]), verbose=0)
    return result, time.perf_counter() - start


@pytest.fixture(scope="module")
def trained(timed_run):
    return timed_run[0]


# --- make_dataset ------------------------------------------------------------------------------


def _batches(ds):
    return [(x.numpy(), y.numpy()) for x, y in ds]


def test_make_dataset_batches_have_right_shapes():
    x, y = np.zeros((10, 4, 3)), np.ones((10, 4, 3))
    batches = _batches(make_dataset(x, y, batch_size=4, shuffle=False))
    assert [b[0].shape for b in batches] == [(4, 4, 3), (4, 4, 3), (2, 4, 3)]
    assert [b[1].shape for b in batches] == [(4, 4, 3), (4, 4, 3), (2, 4, 3)]


def test_make_dataset_yields_float32():
    x, y = np.zeros((3, 2), dtype=np.uint8), np.ones((3, 2), dtype=np.float64)
    ((bx, by),) = _batches(make_dataset(x, y, batch_size=8, shuffle=False))
    assert bx.dtype == np.float32 and by.dtype == np.float32


def test_make_dataset_without_shuffle_keeps_order():
    x = np.arange(7, dtype=np.float32)
    got = np.concatenate([b[0] for b in _batches(make_dataset(x, x * 2, batch_size=3, shuffle=False))])
    np.testing.assert_array_equal(got, x)


def test_make_dataset_shuffle_keeps_pairs_together():
    x = np.arange(20, dtype=np.float32)
    pairs = _batches(make_dataset(x, x * 10, batch_size=6, shuffle=True, seed=1))
    xs = np.concatenate([p[0] for p in pairs])
    ys = np.concatenate([p[1] for p in pairs])
    np.testing.assert_array_equal(ys, xs * 10)
    assert sorted(xs.tolist()) == x.tolist()


def test_make_dataset_accepts_numpy_integer_batch_size():
    batches = _batches(make_dataset(np.zeros((6, 2)), np.zeros((6, 2)), batch_size=np.int64(3), shuffle=False))
    assert [b[0].shape for b in batches] == [(3, 2), (3, 2)]


def test_make_dataset_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        make_dataset(np.zeros((5, 2)), np.zeros((4, 2)), batch_size=2)


@pytest.mark.parametrize("batch_size", [0, -4, 2.0, True, None])
def test_make_dataset_rejects_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        make_dataset(np.zeros((5, 2)), np.zeros((5, 2)), batch_size=batch_size)


# --- fit ---------------------------------------------------------------------------------------


def test_fit_returns_the_loss_and_the_test_loss_of_each_epoch(trained):
    assert isinstance(trained, TrainResult)
    assert set(trained.history) == {"loss", "val_loss"}
    assert all(len(v) == 2 and all(isinstance(x, float) and 0 < x < 1 for x in v) for v in trained.history.values())


def test_fit_times_every_epoch_within_the_wall_time_of_the_run(timed_run):
    trained, wall = timed_run
    assert len(trained.epoch_seconds) == 2 and all(s > 0 for s in trained.epoch_seconds)
    assert sum(trained.epoch_seconds) <= wall  # epochs are timed inside the call, not before or after it
    assert trained.seconds_per_epoch == pytest.approx(sum(trained.epoch_seconds) / 2)


def test_train_result_sums_what_it_is_given():
    result = TrainResult(epoch_seconds=[1.5, 2.5, 2.0])
    assert result.seconds == 6.0 and result.seconds_per_epoch == 2.0


def test_fit_records_the_validation_loss_the_model_has(trained, tiny_model, tiny_data):
    """The last epoch's validation loss is the loss the trained model gives on the validation pair."""
    noisy, clean = tiny_data
    expected = float(np.mean((tiny_model.predict(noisy[:16], verbose=0) - clean[:16]) ** 2))
    assert trained.history["val_loss"][-1] == pytest.approx(expected, rel=1e-4)


def _bars(count: int, seed: int) -> np.ndarray:
    """``count`` 28x28 images of one bright horizontal and one bright vertical bar: a simple family a small model learns."""
    rng = np.random.RandomState(seed)
    images = np.zeros((count, 28, 28), np.float32)
    for image, row, col in zip(images, rng.randint(2, 26, count), rng.randint(2, 26, count)):
        image[row - 1 : row + 2, :] = 1.0
        image[:, col - 1 : col + 2] = 1.0
    return images


def test_fit_lowers_the_loss_and_a_tiny_denoiser_raises_psnr():
    """Seconds of training on a tiny problem: the loss falls by half, and the output beats the noisy input by 3 dB."""
    import keras

    from dae import metrics, noise

    clean, test = _bars(512, seed=0), _bars(64, seed=1)
    noisy, noisy_test = noise.gaussian(clean, 0.3, seed=0), noise.gaussian(test, 0.3, seed=1)
    keras.utils.set_random_seed(0)
    _, _, model = dense_autoencoder(code_size=32, hidden_sizes=(128,))
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    before = float(np.mean((model.predict(noisy, verbose=0) - clean) ** 2))
    result = fit(model, noisy, clean, epochs=15, batch_size=32, verbose=0)
    loss = result.history["loss"]
    assert loss[-1] < 0.5 * loss[0] and loss[-1] < 0.5 * before, (before, loss)
    noisy_psnr = metrics.psnr(test, noisy_test).mean()
    denoised_psnr = metrics.psnr(test, predict(model, noisy_test)).mean()
    assert denoised_psnr > noisy_psnr + 3.0, (noisy_psnr, denoised_psnr)


@pytest.mark.parametrize("epochs", [0, -1, 1.0, True])
def test_fit_rejects_bad_epochs(tiny_model, tiny_data, epochs):
    noisy, clean = tiny_data
    with pytest.raises(ValueError, match="epochs"):
        fit(tiny_model, noisy, clean, epochs=epochs, batch_size=16, verbose=0)


def test_train_result_of_no_epochs_has_zero_seconds():
    empty = TrainResult()
    assert empty.seconds == 0.0
    assert empty.seconds_per_epoch == 0.0


# --- predict -----------------------------------------------------------------------------------


def test_predict_returns_float32_in_unit_range(trained, tiny_model, tiny_data):
    out = predict(tiny_model, tiny_data[0][:10], batch_size=4)
    assert out.dtype == np.float32
    assert out.shape == (10, 28, 28)
    assert out.min() >= 0.0 and out.max() <= 1.0


class _Overshooting:
    """A stand-in model whose outputs leave [0, 1] in both directions, in float64."""

    def predict(self, x, batch_size, verbose):
        return np.linspace(-2.0, 3.0, x.size, dtype=np.float64).reshape(x.shape)


def test_predict_clips_to_unit_range_and_casts_to_float32():
    out = predict(_Overshooting(), np.zeros((2, 3, 3), dtype=np.uint8))
    assert out.dtype == np.float32
    assert out.min() == 0.0 and out.max() == 1.0
    assert np.any((out > 0) & (out < 1))


def test_estimate_epoch_seconds_scales_to_a_whole_epoch_and_leaves_the_model_alone():
    from dae import models, train

    _, _, model = models.dense_autoencoder(code_size=4)
    model.compile(optimizer="adam", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    x = np.random.RandomState(0).rand(320, 28, 28).astype(np.float32)
    seconds = train.estimate_epoch_seconds(model, x, x, batch_size=32, steps=5, warmup=2)
    assert seconds > 0
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_estimate_epoch_seconds_rejects_bad_steps():
    from dae import models, train

    _, _, model = models.dense_autoencoder(code_size=4)
    model.compile(optimizer="adam", loss="mse")
    x = np.zeros((8, 28, 28), np.float32)
    with pytest.raises(ValueError, match="steps"):
        train.estimate_epoch_seconds(model, x, x, batch_size=4, steps=0)


def test_time_epoch_without_a_short_call_scales_one_timed_call(monkeypatch):
    from dae import train

    calls = []
    clock = iter([5.0, 7.0])  # the one timed call: 2 s for 100 steps, as estimate_epoch_seconds has always measured
    monkeypatch.setattr(train.time, "perf_counter", lambda: next(clock))
    seconds = train.time_epoch(calls.append, samples=6400, batch_size=32, steps=100, warmup=0)
    assert calls == [1, 100]  # at least one warm-up step builds the training step
    assert seconds == pytest.approx(0.02 * 200)


def test_time_epoch_with_a_short_call_counts_the_fixed_cost_once(monkeypatch):
    from dae import train

    calls = []
    clock = iter([0.0, 1.2, 10.0, 12.2])  # 1 s per call, then 0.01 s per step
    monkeypatch.setattr(train.time, "perf_counter", lambda: next(clock))
    seconds = train.time_epoch(calls.append, samples=6400, batch_size=32, steps=120, warmup=10, short_steps=20)
    assert calls == [10, 20, 120]
    assert seconds == pytest.approx(1.0 + 0.01 * 200)


@pytest.mark.parametrize("counts", [dict(steps=0), dict(warmup=-1), dict(short_steps=10), dict(short_steps=-1)])
def test_time_epoch_rejects_bad_step_counts(counts):
    from dae import train

    counts = dict(steps=10, warmup=1) | counts
    with pytest.raises(ValueError, match="steps"):
        train.time_epoch(lambda count: None, samples=100, batch_size=10, **counts)


# --- cosine_adam and best_codes ----------------------------------------------------------------


def test_cosine_adam_falls_from_start_to_final_fraction_over_the_run():
    from dae.train import cosine_adam

    optimizer = cosine_adam(2e-3, epochs=3, samples=1000, batch_size=100, final_fraction=0.1)
    schedule = optimizer.learning_rate if callable(optimizer.learning_rate) else optimizer._learning_rate
    assert float(schedule(0)) == pytest.approx(2e-3)
    assert float(schedule(15)) < 2e-3
    assert float(schedule(30)) == pytest.approx(2e-4, rel=1e-3)  # 3 epochs x 10 steps


@pytest.mark.parametrize("kwargs", [dict(learning_rate=0.0), dict(epochs=0), dict(batch_size=True), dict(final_fraction=1.5)])
def test_cosine_adam_rejects_bad_settings(kwargs):
    from dae.train import cosine_adam

    settings = dict(learning_rate=1e-3, epochs=2, samples=100, batch_size=10) | kwargs
    with pytest.raises(ValueError):
        cosine_adam(settings.pop("learning_rate"), **settings)


def test_best_codes_finds_the_codes_a_decoder_drew_its_targets_from():
    import keras

    from dae.train import best_codes

    keras.utils.set_random_seed(0)
    decoder = keras.Sequential([keras.Input((3,)), keras.layers.Dense(16, activation="sigmoid"), keras.layers.Reshape((4, 4))])
    rng = np.random.RandomState(1)
    true_codes = rng.normal(size=(20, 3)).astype(np.float32)
    targets = decoder.predict(true_codes, verbose=0)
    start = np.zeros_like(true_codes)
    before = np.mean((decoder.predict(start, verbose=0) - targets) ** 2)
    codes, images = best_codes(decoder, targets, start, steps=400, learning_rate=0.1, batch_size=8)
    after = np.mean((images - targets) ** 2)
    assert codes.shape == start.shape and images.shape == targets.shape
    assert after < before / 100, (before, after)


def test_best_codes_rejects_mismatched_start():
    import keras

    from dae.train import best_codes

    decoder = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
    with pytest.raises(ValueError, match="start"):
        best_codes(decoder, np.zeros((5, 4)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="finite"):
        best_codes(decoder, np.zeros((1, 4)), np.full((1, 3), np.nan))
