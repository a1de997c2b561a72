"""Training through ``tf.data`` (shuffle, batch, prefetch), timed per epoch, one compact line per epoch."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np


def make_dataset(inputs, targets, batch_size: int, shuffle: bool = True, seed: int = 0):
    """A ``tf.data.Dataset`` of (input, target) batches; shuffled each epoch when ``shuffle``."""
    import tensorflow as tf

    inputs, targets = np.asarray(inputs, dtype=np.float32), np.asarray(targets, dtype=np.float32)
    if len(inputs) != len(targets):
        raise ValueError(f"inputs and targets must have the same length, got {len(inputs)} and {len(targets)}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
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
    """Train ``model`` (already compiled) on inputs -> targets; ``validation`` is an (inputs, targets) pair.

    ``verbose=2`` prints one line per epoch, which reads well in a rendered page.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs <= 0:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    train_ds = make_dataset(inputs, targets, batch_size, shuffle=True, seed=seed)
    val_ds = None
    if validation is not None:
        val_ds = make_dataset(validation[0], validation[1], max(batch_size, 256), shuffle=False)
    timer = _EpochTimer()
    # shuffle=False: the dataset already reshuffles every epoch.
    history = model.fit(train_ds, validation_data=val_ds, epochs=int(epochs), callbacks=[timer], verbose=verbose, shuffle=False)
    return TrainResult(history={k: [float(v) for v in vals] for k, vals in history.history.items()}, epoch_seconds=timer.seconds)


def predict(model, inputs, batch_size: int = 512) -> np.ndarray:
    """Model outputs for ``inputs`` as float32, clipped to [0, 1] (the range of every image here)."""
    out = model.predict(np.asarray(inputs, dtype=np.float32), batch_size=batch_size, verbose=0)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def estimate_epoch_seconds(model, inputs, targets, *, batch_size: int, steps: int = 200, warmup: int = 20) -> float:
    """Measure ``steps`` training batches on a fresh copy of ``model`` and scale to one full epoch.

    The copy has the model's architecture, optimizer type and loss, so ``model`` itself is not
    changed. Returns the estimated seconds for one pass over ``inputs`` at ``batch_size``.
    """
    if steps <= 0 or warmup < 0:
        raise ValueError(f"steps must be positive and warmup non-negative, got steps={steps}, warmup={warmup}")
    inputs, targets = np.asarray(inputs, dtype=np.float32), np.asarray(targets, dtype=np.float32)
    if len(inputs) != len(targets):
        raise ValueError(f"inputs and targets must have the same length, got {len(inputs)} and {len(targets)}")
    copy = keras.models.clone_model(model)
    copy.compile(optimizer=type(model.optimizer)(), loss=model.loss)
    ds = make_dataset(inputs, targets, batch_size).repeat()
    copy.fit(ds, steps_per_epoch=max(warmup, 1), epochs=1, verbose=0, shuffle=False)  # builds and traces the step
    start = time.perf_counter()
    copy.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)
    per_step = (time.perf_counter() - start) / steps
    return per_step * int(np.ceil(len(inputs) / batch_size))
