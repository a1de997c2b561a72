"""Training through ``tf.data`` (shuffle, batch, prefetch), timed per epoch, one short line per epoch."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np

from ._checks import check_positive_int, check_same_length


def make_dataset(inputs, targets, batch_size: int, shuffle: bool = True, seed: int = 0):
    """A ``tf.data.Dataset`` of (input, target) batches; shuffled each epoch when ``shuffle``."""
    import tensorflow as tf

    inputs, targets = np.asarray(inputs, dtype=np.float32), np.asarray(targets, dtype=np.float32)
    check_same_length(inputs, targets)
    check_positive_int(batch_size, "batch_size")
    ds = tf.data.Dataset.from_tensor_slices((inputs, targets))
    if shuffle:
        ds = ds.shuffle(len(inputs), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(int(batch_size)).prefetch(tf.data.AUTOTUNE)


class _EpochTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def epoch_line(epoch: int, epochs: int, logs: dict, seconds: float) -> str:
    """One epoch in one line, e.g. 'epoch  3/20: loss 0.0452, test loss 0.0420, 1.2 s' (``epoch`` counts from 1)."""
    values = [f"{'test ' + name[4:] if name.startswith('val_') else name} {float(value):.4f}" for name, value in logs.items()]
    return f"epoch {epoch:>{len(str(epochs))}}/{epochs}: " + ", ".join(values + [f"{seconds:.1f} s"])


class _EpochLog(keras.callbacks.Callback):
    """Prints :func:`epoch_line` after each epoch (after ``timer``, which times it)."""

    def __init__(self, epochs: int, timer: _EpochTimer):
        super().__init__()
        self.epochs, self.timer = epochs, timer

    def on_epoch_end(self, epoch, logs=None):
        print(epoch_line(epoch + 1, self.epochs, dict(logs or {}), self.timer.seconds[-1]), flush=True)


@dataclass
class TrainResult:
    """What a training run leaves: the loss history, seconds per epoch and in total."""

    history: dict = field(default_factory=dict)
    epoch_seconds: list = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return float(sum(self.epoch_seconds))

    @property
    def seconds_per_epoch(self) -> float:
        return self.seconds / max(len(self.epoch_seconds), 1)


def fit(model, inputs, targets, *, epochs: int, batch_size: int, validation=None, seed: int = 0, verbose: int = 2) -> TrainResult:
    """Train ``model`` (already compiled) on inputs → targets; ``validation`` is an (inputs, targets) pair.

    ``verbose=2`` (the default) prints one short line per epoch (:func:`epoch_line`: the loss, the test loss
    with a validation pair, the seconds), which reads well in a rendered page; ``1`` shows Keras' progress
    bar, ``0`` prints nothing.
    """
    check_positive_int(epochs, "epochs")
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1 or 2, got {verbose!r}")
    train_ds = make_dataset(inputs, targets, batch_size, shuffle=True, seed=seed)
    val_ds = None
    if validation is not None:
        val_ds = make_dataset(validation[0], validation[1], max(batch_size, 256), shuffle=False)
    timer = _EpochTimer()
    callbacks = [timer, _EpochLog(int(epochs), timer)] if verbose == 2 else [timer]
    # shuffle=False: the dataset already reshuffles every epoch.
    history = model.fit(train_ds, validation_data=val_ds, epochs=int(epochs), callbacks=callbacks, verbose=int(verbose == 1), shuffle=False)
    return TrainResult(history={k: [float(v) for v in vals] for k, vals in history.history.items()}, epoch_seconds=timer.seconds)


def predict(model, inputs, batch_size: int = 512) -> np.ndarray:
    """Model outputs for ``inputs`` as float32, clipped to [0, 1] (the range of every image here).

    An output with NaN or infinite values (a model whose training diverged) raises ValueError rather than
    being clipped into a plausible-looking image.
    """
    out = model.predict(np.asarray(inputs, dtype=np.float32), batch_size=batch_size, verbose=0)
    bad = ~np.isfinite(out)
    if bad.any():
        raise ValueError(f"the model's output holds {int(bad.sum()):,} NaN or infinite values: did its training diverge?")
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def estimate_epoch_seconds(model, inputs, targets, *, batch_size: int, steps: int = 200, warmup: int = 20) -> float:
    """Measure ``steps`` training batches on a fresh copy of ``model`` and scale to one full epoch.

    The copy has the model's architecture, optimizer type and loss, so ``model`` itself is not
    changed. Returns the estimated seconds for one pass over ``inputs`` at ``batch_size``, from
    :func:`time_epoch` (the estimate ``python -m dae.bench`` makes too).
    """
    _check_timed_steps(steps, warmup, 0)
    inputs, targets = np.asarray(inputs, dtype=np.float32), np.asarray(targets, dtype=np.float32)
    check_same_length(inputs, targets)
    copy = keras.models.clone_model(model)
    copy.compile(optimizer=type(model.optimizer)(), loss=model.loss)
    ds = make_dataset(inputs, targets, batch_size).repeat()

    def fit_steps(count):
        copy.fit(ds, steps_per_epoch=count, epochs=1, verbose=0, shuffle=False)

    return time_epoch(fit_steps, samples=len(inputs), batch_size=batch_size, steps=steps, warmup=warmup)


def time_epoch(fit_steps, *, samples: int, batch_size: int, steps: int, warmup: int, short_steps: int = 0) -> float:
    """Seconds for one pass over ``samples`` at ``batch_size``, from timed calls of ``fit_steps(count)`` (``count`` training steps).

    A first call of ``max(warmup, 1)`` steps builds and traces the training step and is not timed. Each
    call of ``model.fit`` also pays a fixed cost before its first step (for ``tf.data``, filling the
    shuffle buffer), which a real epoch pays once. With ``short_steps`` > 0, a short call of that many
    steps and a long one of ``steps`` separate the two: their difference gives the cost of a step, the
    rest of the short call the fixed cost. With ``short_steps=0`` only the long call runs, and its time
    per step, fixed cost included, is scaled to the epoch.
    """
    _check_timed_steps(steps, warmup, short_steps)
    fit_steps(max(warmup, 1))
    short = _seconds_of(fit_steps, short_steps) if short_steps else 0.0  # a call of no steps costs nothing
    long = _seconds_of(fit_steps, steps)
    per_step = max(long - short, 0.0) / (steps - short_steps)
    fixed = max(short - short_steps * per_step, 0.0)
    return fixed + per_step * int(np.ceil(samples / batch_size))


def _seconds_of(fit_steps, count: int) -> float:
    start = time.perf_counter()
    fit_steps(count)
    return time.perf_counter() - start


def _check_timed_steps(steps, warmup, short_steps) -> None:
    """The step counts of :func:`time_epoch`: ``steps`` positive, ``warmup`` non-negative, 0 <= ``short_steps`` < ``steps``."""
    if steps <= 0 or warmup < 0:
        raise ValueError(f"steps must be positive and warmup non-negative, got steps={steps}, warmup={warmup}")
    if not 0 <= short_steps < steps:
        raise ValueError(f"short_steps must lie in [0, steps), got short_steps={short_steps}, steps={steps}")


def cosine_adam(learning_rate: float, *, epochs: int, samples: int, batch_size: int, final_fraction: float = 0.02):
    """Adam whose learning rate falls along a cosine from ``learning_rate`` to ``final_fraction`` of it.

    The schedule spans exactly ``epochs`` passes over ``samples`` inputs at ``batch_size``: large
    steps early, small ones at the end, which settles a short training run closer to a minimum than
    a constant rate does.
    """
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    if not 0.0 <= final_fraction <= 1.0:
        raise ValueError(f"final_fraction must lie in [0, 1], got {final_fraction!r}")
    for name, value in (("epochs", epochs), ("samples", samples), ("batch_size", batch_size)):
        check_positive_int(value, name)
    steps = int(epochs) * int(np.ceil(samples / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(float(learning_rate), decay_steps=steps, alpha=float(final_fraction))
    return keras.optimizers.Adam(schedule)


def best_codes(decoder, targets, start, *, steps: int = 300, learning_rate: float = 0.05, batch_size: int = 1000):
    """The codes from which ``decoder`` draws images closest to ``targets`` (mean squared error).

    Starting from ``start`` (N, code size), e.g. the codes an encoder chose, ``steps`` of Adam move
    each code downhill on the error of what the decoder draws from it. The decoder's weights stay
    fixed. Returns (codes, images) with images clipped to [0, 1]. The decoder is not convex in its
    code, so this local search finds better codes, not the best: what it reaches is a lower bound on
    what this decoder can draw.
    """
    import tensorflow as tf

    targets, start = _check_best_codes(targets, start, steps)
    codes_out = []
    for begin in range(0, len(targets), batch_size):
        target = tf.constant(targets[begin : begin + batch_size])
        codes = tf.Variable(start[begin : begin + batch_size])
        optimizer = keras.optimizers.Adam(learning_rate)

        @tf.function(autograph=False)  # no Python control flow to convert; AutoGraph only warned about the closure
        def step():
            with tf.GradientTape() as tape:
                drawn = tf.reshape(decoder(codes, training=False), tf.shape(target))
                # Compare after clipping, as every metric here does.
                loss = tf.reduce_mean(tf.square(tf.clip_by_value(drawn, 0.0, 1.0) - target))
            optimizer.apply_gradients([(tape.gradient(loss, codes), codes)])

        for _ in range(int(steps)):
            step()
        codes_out.append(codes.numpy())
    codes = np.concatenate(codes_out)
    images = decoder.predict(codes, batch_size=batch_size, verbose=0).reshape(targets.shape)
    return codes, np.clip(images, 0.0, 1.0).astype(np.float32)


def _check_best_codes(targets, start, steps) -> tuple[np.ndarray, np.ndarray]:
    """The targets and start codes of :func:`best_codes` as float32 arrays, checked: one finite code per target."""
    targets = np.asarray(targets, dtype=np.float32)
    start = np.asarray(start, dtype=np.float32)
    if start.ndim != 2 or len(start) != len(targets):
        raise ValueError(f"start must be (N, code size) with N = {len(targets)} targets, got shape {start.shape}")
    if not np.all(np.isfinite(start)):
        raise ValueError("start codes must be finite")
    check_positive_int(steps, "steps")
    return targets, start
