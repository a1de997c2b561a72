"""Running the models and measuring them: seconds per epoch, training to a target PSNR, inference speed, peak memory.

Each ``bench_*`` function measures one model in the running process and returns its row (a dict) for
:mod:`dae.bench.report`. The schedules come from :mod:`dae.bench.schedules`, the seconds per epoch from
:func:`dae.train.time_epoch`, the estimate the chapters make too.
"""

from __future__ import annotations

import resource
import time

import numpy as np

from . import schedules
from .schedules import capped, image_model, plan

WARMUP_STEPS, SHORT_STEPS, LONG_STEPS = 10, 20, 120


def _peak_memory() -> dict:
    import tensorflow as tf

    peak = {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # kB on Linux
    if tf.config.list_physical_devices("GPU"):
        peak["peak_gpu_mb"] = tf.config.experimental.get_memory_info("GPU:0")["peak"] / 2**20
    return peak


def _steps_seconds(model, fit_steps, samples: int, batch_size: int) -> float:
    """One pass over ``samples`` at ``batch_size``: :func:`dae.train.time_epoch` of ``fit_steps(model, count)``.

    After a warm-up, a short and a long timed call separate the cost of a step from the fixed cost of a
    call of ``model.fit``, which a real epoch pays once.
    """
    from .. import train

    return train.time_epoch(
        lambda count: fit_steps(model, count), samples=samples, batch_size=batch_size, steps=LONG_STEPS, warmup=WARMUP_STEPS, short_steps=SHORT_STEPS
    )


def _numpy_steps(x, y, batch_size):
    def fit_steps(model, steps):
        n = steps * batch_size
        reps = int(np.ceil(n / len(x)))
        xs, ys = np.concatenate([x] * reps)[:n], np.concatenate([y] * reps)[:n]
        model.fit(xs, ys, batch_size=batch_size, epochs=1, verbose=0)  # NumPy arrays, as the seeds do

    return fit_steps


def _pipeline_steps(x, y, batch_size):
    from .. import train

    ds = train.make_dataset(x, y, batch_size).repeat()

    def fit_steps(model, steps):
        model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)

    return fit_steps


def _images(name: str, quick: bool):
    from .. import data, noise

    (train_digits, _), (test_digits, _) = data.load_mnist()
    channel = name != "ch02-dense"
    x_train = data.to_float_images(train_digits, channel=channel)[:-500]  # the chapters' validation digits stay out
    x_test = data.to_float_images(test_digits, channel=channel)
    if quick:  # fewer digits before drawing their noise: drawing it for all 70,000 took most of a quick run
        x_train, x_test = x_train[: schedules.QUICK_DIGITS], x_test[: schedules.QUICK_TEST]
    if name == "ch02-dense":
        noisy_train, noisy_test = noise.add_noise(x_train, "gauss0.2", seed=1), noise.add_noise(x_test, "gauss0.2", seed=2)
    else:
        stream = np.random.RandomState(1337)  # the tutorial's noise, as Chapter 3 draws it
        noisy_train = noise.shifted_gaussian(x_train, loc=0.5, scale=0.5, seed=stream)
        noisy_test = noise.shifted_gaussian(x_test, loc=0.5, scale=0.5, seed=stream)
    return x_train, noisy_train, x_test, noisy_test


def mixed_policy() -> str:
    """The mixed-precision policy this device could use: float16 on a GPU, bfloat16 on a CPU."""
    import tensorflow as tf

    return "mixed_float16" if tf.config.list_physical_devices("GPU") else "mixed_bfloat16"


def _variant_seconds(name: str, x, noisy, batch: int) -> dict:
    """The chapter's pipeline and batch, once with XLA and once under mixed precision."""
    import keras

    def chapter_seconds(jit_compile=False):
        return _steps_seconds(image_model(name, "chapter", 1, len(x), jit_compile=jit_compile), _pipeline_steps(noisy, x, batch), len(x), batch)

    seconds = {"jit_epoch_s": chapter_seconds(jit_compile=True)}
    keras.mixed_precision.set_global_policy(mixed_policy())
    try:
        seconds["mixed_epoch_s"] = chapter_seconds()
    finally:
        keras.mixed_precision.set_global_policy("float32")
    return seconds | {"mixed_policy": mixed_policy()}


def _psnr_watch(noisy_test, x_test):
    """A Keras callback that keeps each epoch's training seconds and, after it, the test PSNR."""
    import keras

    from .. import metrics, train

    class PSNRWatch(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.psnr, self.seconds = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)
            denoised = train.predict(self.model, noisy_test)
            # A model whose output overflows (possible under reduced precision) is reported as NaN, not left to stop the run.
            self.psnr.append(float(metrics.psnr(x_test, denoised).mean()) if np.isfinite(denoised).all() else float("nan"))

    return PSNRWatch()


def bench_images(name: str, quick: bool, target: float | None = None) -> dict:
    """Measure one image model (see :mod:`dae.bench`); ``target`` is the PSNR to reach when the seed schedule is not trained here."""
    from .. import settings as settings_module
    from .. import train

    settings_module.seed_everything(0)
    x, noisy, x_test, noisy_test = _images(name, quick)
    schedule = plan(name)
    batch, seed_batch, chapter_epochs = schedule.chapter.batch_size, schedule.seed.batch_size, capped(schedule.chapter.epochs, quick)
    row = {"model": name, "samples": len(x), "test_images": len(x_test), "chapter_batch": batch}
    row["seed_epoch_s"] = _steps_seconds(image_model(name, "seed", 1, len(x)), _numpy_steps(noisy, x, seed_batch), len(x), seed_batch)
    row["chapter_epoch_s"] = _steps_seconds(image_model(name, "chapter", 1, len(x)), _pipeline_steps(noisy, x, batch), len(x), batch)
    row |= _variant_seconds(name, x, noisy, batch)
    if schedule.train_seed:
        seed_epochs = capped(schedule.seed.epochs, quick)
        settings_module.seed_everything(0)
        seed_model = image_model(name, "seed", seed_epochs, len(x))
        watch = _psnr_watch(noisy_test, x_test)
        seed_model.fit(noisy, x, batch_size=seed_batch, epochs=seed_epochs, verbose=0, callbacks=[watch])
        target = watch.psnr[-1]
        row |= {"seed_epochs": seed_epochs, "seed_train_s": float(sum(watch.seconds))}
    row["target_psnr"] = target
    settings_module.seed_everything(0)
    model = image_model(name, "chapter", chapter_epochs, len(x))
    watch = _psnr_watch(noisy_test, x_test)
    model.fit(train.make_dataset(noisy, x, batch), epochs=chapter_epochs, verbose=0, shuffle=False, callbacks=[watch])
    reached = [i for i, p in enumerate(watch.psnr) if target is not None and p >= target]
    row |= {
        "chapter_epochs": chapter_epochs,
        "chapter_psnr": watch.psnr[-1],
        "epochs_to_target": reached[0] + 1 if reached else None,
        "seconds_to_target": float(sum(watch.seconds[: reached[0] + 1])) if reached else None,
    }
    train.predict(model, noisy_test[:512])  # warm-up
    start = time.perf_counter()
    train.predict(model, noisy_test)
    row["inference_per_s"] = len(noisy_test) / (time.perf_counter() - start)
    row["inference_unit"] = "images"
    return row | _peak_memory()


def bench_speech(quick: bool) -> dict:
    """Chapter 5's mask model: one training epoch of its recipe (:func:`dae.speech.recipe`), and denoising speed on held-out recordings."""
    from .. import data, masks, sound, speech
    from .. import settings as settings_module

    settings = settings_module.Settings(quick=quick, seed=0, device=settings_module.device_name())
    config = speech.recipe(settings)
    train_recordings, test_recordings = data.fsdd_split(data.load_fsdd())
    utterances, pools = speech.training_set(train_recordings, config["train_per_speaker"])
    first = masks.training_patches(utterances, pools, config["width"], seed=0)
    settings_module.seed_everything(config["seed"])
    _, _, denoiser = speech.new_mask_model(first[0])
    record = speech.train_mask_model(
        denoiser,
        utterances,
        pools,
        epochs=1,
        width=config["width"],
        batch_size=config["batch_size"],
        learning_rate=config["learning_rate"],
        first=first,
        log=None,
    )
    clips = [r.audio for r in test_recordings[: 20 if quick else 100]]
    noisy = [sound.noisy_mixture(c, "white", 0.0, sound.SAMPLE_RATE, seed=i) for i, c in enumerate(clips)]

    def denoise():
        features = [masks.mask_features(y) for y in noisy]
        found = masks.predict_masks(lambda p: denoiser.predict(p, batch_size=256, verbose=0), features, config["width"], config["width"] // 2)
        return [masks.apply_mask(m, y) for m, y in zip(found, noisy)]

    denoise()  # warm-up
    start = time.perf_counter()
    denoise()
    seconds_of_audio = sum(len(c) for c in clips) / sound.SAMPLE_RATE
    return {
        "model": "ch04-mask",
        "samples": len(first[0]),
        "chapter_batch": config["batch_size"],
        "chapter_epoch_s": record["epoch_seconds"][0],
        "inference_per_s": seconds_of_audio / (time.perf_counter() - start),
        "inference_unit": "audio seconds",
    } | _peak_memory()
