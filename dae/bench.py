"""``python -m dae.bench``: what each chapter's models cost on this machine, measured in one run.

For each image model it measures

- seconds per epoch with the seed's settings (NumPy arrays straight into ``model.fit``, batch 32)
  against the chapter's input pipeline (``tf.data`` through :func:`dae.train.fit`) and batch size,
  both from timed training steps scaled to one pass over the training digits, plus each call's fixed cost;
- the seed's own schedule trained to its end, and its final test PSNR; then the chapter's schedule,
  trained for real, with the epoch and the training time at which its test PSNR first reaches that
  value (the U-Net is held to the tutorial's convolutional model, on the tutorial's noise);
- the chapter's seconds per epoch again with XLA compilation (``jit_compile=True``) and with mixed
  precision (float16 on a GPU, bfloat16 on a CPU), the two switches that can speed training up on
  some devices: the chapters turn each on only where this table shows it helps;
- inference speed, in images per second;
- peak memory of the process (resident set; on a GPU, TensorFlow's peak allocation too).

For Chapter 4's speech model: seconds per training epoch and seconds of audio denoised per second.
Each model runs in a process of its own, so its peak memory is its own. ``--quick`` uses less data
and fewer epochs, the same code. The Markdown table names the device and the library versions.

``--precision`` measures something else: it trains each image model's chapter schedule once per Keras
dtype policy (float32, mixed float16 on a GPU, mixed bfloat16) and reports seconds per epoch and final
test PSNR for each. It feeds NumPy arrays, not ``tf.data``, so it also runs on Keras' JAX or PyTorch
backend where TensorFlow is not installed.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

MODELS = ("ch02-dense", "ch03-conv", "ch03-unet", "ch04-mask")
SEED_BATCH = 32
# name -> (seed epochs at full settings, chapter batch size, chapter epochs at full settings)
SCHEDULES = {"ch02-dense": (30, 256, 20), "ch03-conv": (10, 32, 6), "ch03-unet": (None, 128, 2)}
QUICK_DIGITS, QUICK_TEST, QUICK_EPOCHS = 6000, 1000, 2
WARMUP_STEPS, SHORT_STEPS, LONG_STEPS = 10, 20, 120


def backend_device() -> str:
    """The device the active Keras backend trains on, in words: 'CPU' or 'GPU (<name>)'.

    Works with each of Keras' backends, so the precision benchmark also runs where TensorFlow is not installed.
    """
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        from .settings import device_name

        return device_name()
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        return "CPU" if device.platform == "cpu" else f"GPU ({device.device_kind})"
    if backend == "torch":
        import torch

        return f"GPU ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "CPU"
    return "CPU"


def _peak_memory() -> dict:
    import tensorflow as tf

    peak = {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # kB on Linux
    if tf.config.list_physical_devices("GPU"):
        peak["peak_gpu_mb"] = tf.config.experimental.get_memory_info("GPU:0")["peak"] / 2**20
    return peak


def _steps_seconds(model, fit_steps, samples: int, batch_size: int) -> float:
    """One pass over ``samples`` at ``batch_size``, from two timed calls of ``fit_steps`` after a warm-up.

    Each call of ``model.fit`` pays a fixed cost before its first step (for ``tf.data``, filling the
    shuffle buffer), which a real epoch pays once. Timing a short and a long call separates the two:
    the difference gives the cost of a step, the rest of the short call the fixed cost.
    """
    fit_steps(model, WARMUP_STEPS)  # builds and traces the training step
    timed = []
    for steps in (SHORT_STEPS, LONG_STEPS):
        start = time.perf_counter()
        fit_steps(model, steps)
        timed.append(time.perf_counter() - start)
    per_step = max(timed[1] - timed[0], 0.0) / (LONG_STEPS - SHORT_STEPS)
    fixed = max(timed[0] - SHORT_STEPS * per_step, 0.0)
    return fixed + per_step * int(np.ceil(samples / batch_size))


def _numpy_steps(x, y, batch_size):
    def fit_steps(model, steps):
        n = steps * batch_size
        reps = int(np.ceil(n / len(x)))
        xs, ys = np.concatenate([x] * reps)[:n], np.concatenate([y] * reps)[:n]
        model.fit(xs, ys, batch_size=batch_size, epochs=1, verbose=0)  # NumPy arrays, as the seeds do

    return fit_steps


def _pipeline_steps(x, y, batch_size):
    from . import train

    ds = train.make_dataset(x, y, batch_size).repeat()

    def fit_steps(model, steps):
        model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)

    return fit_steps


def _images(name: str, quick: bool):
    from . import data, noise

    (train_digits, _), (test_digits, _) = data.load_mnist()
    channel = name != "ch02-dense"
    x_train = data.to_float_images(train_digits, channel=channel)[:-500]  # the chapters' validation digits stay out
    x_test = data.to_float_images(test_digits, channel=channel)
    if name == "ch02-dense":
        noisy_train, noisy_test = noise.add_noise(x_train, "gauss0.2", seed=1), noise.add_noise(x_test, "gauss0.2", seed=2)
    else:
        stream = np.random.RandomState(1337)  # the tutorial's noise, as Chapter 3 draws it
        noisy_train = noise.shifted_gaussian(x_train, loc=0.5, scale=0.5, seed=stream)
        noisy_test = noise.shifted_gaussian(x_test, loc=0.5, scale=0.5, seed=stream)
    if quick:
        x_train, noisy_train = x_train[:QUICK_DIGITS], noisy_train[:QUICK_DIGITS]
        x_test, noisy_test = x_test[:QUICK_TEST], noisy_test[:QUICK_TEST]
    return x_train, noisy_train, x_test, noisy_test


def _image_model(name: str, schedule: str, epochs: int, samples: int, jit_compile: bool | str = False):
    """A fresh, compiled model: ``schedule`` 'seed' (the tutorial's optimiser) or 'chapter' (the chapter's)."""
    import keras

    from . import models, train

    if name == "ch02-dense":
        _, _, model = models.dense_autoencoder()
        model.compile(optimizer="adamax", loss="mse", jit_compile=jit_compile)
    elif name == "ch03-conv":
        _, _, model = models.conv_autoencoder(latent_dim=16)
        optimizer = (
            keras.optimizers.Adam(0.001)
            if schedule == "seed"
            else train.cosine_adam(0.002, epochs=epochs, samples=samples, batch_size=SCHEDULES[name][1])
        )
        model.compile(optimizer=optimizer, loss="mse", jit_compile=jit_compile)
    else:
        model = models.unet_denoiser(filters=(16, 32), batch_norm=True)
        batch = SEED_BATCH if schedule == "seed" else SCHEDULES[name][1]
        model.compile(
            optimizer=train.cosine_adam(0.004, epochs=epochs, samples=samples, batch_size=batch), loss="binary_crossentropy", jit_compile=jit_compile
        )
    return model


def mixed_policy() -> str:
    """The mixed-precision policy this device could use: float16 on a GPU, bfloat16 on a CPU."""
    import tensorflow as tf

    return "mixed_float16" if tf.config.list_physical_devices("GPU") else "mixed_bfloat16"


def _variant_seconds(name: str, x, noisy, batch: int) -> dict:
    # The chapter's pipeline and batch, once with XLA and once under mixed precision.
    import keras

    seconds = {
        "jit_epoch_s": _steps_seconds(_image_model(name, "chapter", 1, len(x), jit_compile=True), _pipeline_steps(noisy, x, batch), len(x), batch)
    }
    keras.mixed_precision.set_global_policy(mixed_policy())
    try:
        seconds["mixed_epoch_s"] = _steps_seconds(_image_model(name, "chapter", 1, len(x)), _pipeline_steps(noisy, x, batch), len(x), batch)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    return seconds | {"mixed_policy": mixed_policy()}


def _psnr_watch(noisy_test, x_test):
    """A Keras callback that keeps each epoch's training seconds and, after it, the test PSNR."""
    import keras

    from . import metrics, train

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
    """Measure one image model (see the module's docstring); ``target`` is the PSNR to reach when the seed schedule is not trained here."""
    from . import settings as settings_module
    from . import train

    settings_module.seed_everything(0)
    x, noisy, x_test, noisy_test = _images(name, quick)
    seed_epochs, batch, chapter_epochs = SCHEDULES[name]
    chapter_epochs = min(chapter_epochs, QUICK_EPOCHS) if quick else chapter_epochs
    row = {"model": name, "samples": len(x), "test_images": len(x_test), "chapter_batch": batch}
    row["seed_epoch_s"] = _steps_seconds(_image_model(name, "seed", 1, len(x)), _numpy_steps(noisy, x, SEED_BATCH), len(x), SEED_BATCH)
    row["chapter_epoch_s"] = _steps_seconds(_image_model(name, "chapter", 1, len(x)), _pipeline_steps(noisy, x, batch), len(x), batch)
    row |= _variant_seconds(name, x, noisy, batch)
    if seed_epochs is not None:
        seed_epochs = min(seed_epochs, QUICK_EPOCHS) if quick else seed_epochs
        settings_module.seed_everything(0)
        seed_model = _image_model(name, "seed", seed_epochs, len(x))
        watch = _psnr_watch(noisy_test, x_test)
        seed_model.fit(noisy, x, batch_size=SEED_BATCH, epochs=seed_epochs, verbose=0, callbacks=[watch])
        target = watch.psnr[-1]
        row |= {"seed_epochs": seed_epochs, "seed_train_s": float(sum(watch.seconds))}
    row["target_psnr"] = target
    settings_module.seed_everything(0)
    model = _image_model(name, "chapter", chapter_epochs, len(x))
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
    """Chapter 4's mask model: one training epoch of its recipe, and denoising speed on held-out recordings."""
    from . import audio, data, speech
    from . import settings as settings_module

    settings = settings_module.Settings(quick=quick, seed=0, device=settings_module.device_name())
    config = speech.recipe(settings)
    train_recordings, test_recordings = data.fsdd_split(data.load_fsdd())
    utterances, pools = speech.training_set(train_recordings, config["train_per_speaker"])
    first = audio.training_patches(utterances, pools, config["width"], seed=0)
    settings_module.seed_everything(0)
    _, _, denoiser = speech.new_mask_model(first[0])
    record = speech.train_mask_model(denoiser, utterances, pools, epochs=1, first=first, log=None)
    clips = [r.audio for r in test_recordings[: 20 if quick else 100]]
    noisy = [audio.add_noise(c, "white", 0.0, audio.SAMPLE_RATE, seed=i) for i, c in enumerate(clips)]

    def denoise():
        features = [audio.mask_features(y) for y in noisy]
        masks = audio.predict_masks(lambda p: denoiser.predict(p, batch_size=256, verbose=0), features, speech.WIDTH, speech.WIDTH // 2)
        return [audio.apply_mask(m, y) for m, y in zip(masks, noisy)]

    denoise()  # warm-up
    start = time.perf_counter()
    denoise()
    seconds_of_audio = sum(len(c) for c in clips) / audio.SAMPLE_RATE
    return {
        "model": "ch04-mask",
        "samples": len(first[0]),
        "chapter_batch": config["batch_size"],
        "chapter_epoch_s": record["epoch_seconds"][0],
        "inference_per_s": seconds_of_audio / (time.perf_counter() - start),
        "inference_unit": "audio seconds",
    } | _peak_memory()


def precision_policies() -> tuple[str, ...]:
    """The Keras dtype policies worth timing on this device: float16 has fast kernels on GPUs only, bfloat16 on both."""
    if backend_device() == "CPU":
        return ("float32", "mixed_bfloat16")
    return ("float32", "mixed_float16", "mixed_bfloat16")


def bench_precision(name: str, quick: bool) -> list[dict]:
    """Train one image model's chapter schedule once per dtype policy: seconds per epoch and final test PSNR for each.

    The data go in as NumPy arrays, so this runs on any Keras backend; XLA is left to Keras' default
    (``jit_compile="auto"``: on with JAX, and with TensorFlow on a GPU), as in the chapters. The first epoch
    also compiles the training step, so the seconds per epoch are the median of the later epochs.
    """
    import keras

    from . import settings as settings_module

    x, noisy, x_test, noisy_test = _images(name, quick)
    _, batch, epochs = SCHEDULES[name]
    epochs = min(epochs, QUICK_EPOCHS) if quick else epochs
    rows = []
    for policy in precision_policies():
        keras.mixed_precision.set_global_policy(policy)
        try:
            settings_module.seed_everything(0)
            model = _image_model(name, "chapter", epochs, len(x), jit_compile="auto")
            watch = _psnr_watch(noisy_test, x_test)
            model.fit(noisy, x, batch_size=batch, epochs=epochs, verbose=0, callbacks=[watch])
        finally:
            keras.mixed_precision.set_global_policy("float32")
        later = watch.seconds[1:] or watch.seconds
        rows.append(
            {
                "model": name,
                "policy": policy,
                "xla": bool(model.jit_compile),
                "samples": len(x),
                "batch": batch,
                "epochs": epochs,
                "first_epoch_s": watch.seconds[0],
                "epoch_s": float(np.median(later)),
                "train_s": float(sum(watch.seconds)),
                "psnr": watch.psnr[-1],
            }
        )
        print(f"  {name}, {policy}: {rows[-1]['epoch_s']:.2f} s per epoch, {rows[-1]['psnr']:.2f} dB", flush=True)
    return rows


def _measured_by(about: dict, option: str, versions: str, epochs_of: str) -> str:
    """A page's first line: the command that measured it, when, on what machine and library versions."""
    command = " ".join(part for part in ("python -m dae.bench", option, "--quick" if about["quick"] else "") if part)
    line = f"Measured by `{command}` on {about['written']}: {about['device']}, {about['cpus']} CPU cores, Python {about['python']}, {versions}."
    if about["quick"]:
        line += f" Quick mode: {QUICK_DIGITS:,} training digits, {QUICK_TEST:,} test digits, at most {QUICK_EPOCHS} epochs{epochs_of}."
    return line


def precision_markdown(rows: list[dict], about: dict) -> str:
    """The precision benchmark's rows as a Markdown page, each policy's speed and PSNR beside float32's."""
    lines = [
        "# Mixed precision: speed and quality",
        "",
        _measured_by(about, "--precision", f"Keras {about['keras']} on {about['backend']}", ""),
        "",
        "Each row trains the chapter's model and schedule from the same seed under one Keras dtype policy, the data fed as NumPy arrays. "
        "Seconds per epoch are the median of the epochs after the first, which also compiles the training step; PSNR is the mean over the "
        "test digits after the last epoch. XLA is Keras' default choice on this backend and device.",
        "",
        "| model | policy | XLA | batch | epochs | first epoch (s) | s/epoch | speed-up | whole schedule (s) | PSNR (dB) | PSNR change (dB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    base = {r["model"]: r for r in rows if r["policy"] == "float32"}
    for r in rows:
        ref = base.get(r["model"])
        speedup = f"{ref['epoch_s'] / r['epoch_s']:.2f}x" if ref and r["epoch_s"] > 0 else ""
        change = f"{r['psnr'] - ref['psnr']:+.2f}" if ref else ""
        if not np.isfinite(r["psnr"]):
            change = "non-finite output"
        lines.append(
            f"| {r['model']} | {r['policy']} | {'on' if r['xla'] else 'off'} | {r['batch']} | {r['epochs']} | {_fmt(r['first_epoch_s'])} "
            f"| {_fmt(r['epoch_s'], 2)} | {speedup} | {_fmt(r.get('train_s'))} | {_fmt(r['psnr'], 2)} | {change} |"
        )
    return "\n".join(lines) + "\n"


def _fmt(value, digits=1, none=""):
    return none if value is None else f"{value:,.{digits}f}"


def markdown(rows: list[dict], about: dict) -> str:
    """The benchmark's rows as a Markdown page: what ran where, then one table."""
    lines = [
        "# What the models cost",
        "",
        _measured_by(about, "", f"TensorFlow {about['tensorflow']}, Keras {about['keras']}", " per schedule"),
        "",
        "Seconds per epoch come from timed training steps scaled to one pass over the training data, plus the fixed cost of a call "
        "of `model.fit` (for `tf.data`, filling the shuffle buffer): with the seed's settings "
        "(NumPy arrays straight into `model.fit`, batch 32), and with the chapter's `tf.data` pipeline (`dae.train.fit`) and batch size, "
        "also with XLA (`jit_compile=True`) and with mixed precision (float16 on a GPU, bfloat16 on a CPU). "
        "The seed's schedule is then trained to its end; the chapter's schedule is trained after it, and the last columns say at which "
        "epoch, after how many seconds of training, its test PSNR first reached the seed's final PSNR. The U-Net is held to the "
        "tutorial's convolutional model on the tutorial's noise. Peak memory is the resident set of the process that ran the model.",
        "",
        "| model | training examples | seed settings: s/epoch (batch 32) | chapter: s/epoch (batch) | chapter + XLA: s/epoch "
        "| chapter + mixed precision: s/epoch | seed's schedule: epochs, s, final PSNR (dB) "
        "| chapter's schedule: epochs, final PSNR (dB) | reached the seed's PSNR at epoch (s) | inference | peak memory (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        seed = (
            f"{r['seed_epochs']}, {_fmt(r['seed_train_s'], 0)}, {_fmt(r['target_psnr'], 2)}"
            if r.get("seed_epochs")
            else (f"(target {_fmt(r['target_psnr'], 2)})" if r.get("target_psnr") is not None else "")
        )
        chapter = f"{r['chapter_epochs']}, {_fmt(r['chapter_psnr'], 2)}" if r.get("chapter_epochs") else ""
        if r.get("target_psnr") is None:
            reached = ""
        elif r.get("epochs_to_target"):
            reached = f"{r['epochs_to_target']} ({_fmt(r['seconds_to_target'], 0)})"
        else:
            reached = f"not in {r['chapter_epochs']}"
        memory = _fmt(r["peak_rss_mb"], 0) + (f" (GPU {_fmt(r['peak_gpu_mb'], 0)})" if r.get("peak_gpu_mb") is not None else "")
        mixed = f"{_fmt(r['mixed_epoch_s'])} ({r['mixed_policy'].removeprefix('mixed_')})" if r.get("mixed_epoch_s") is not None else ""
        lines.append(
            f"| {r['model']} | {r['samples']:,} | {_fmt(r.get('seed_epoch_s'))} | {_fmt(r['chapter_epoch_s'])} ({r['chapter_batch']}) "
            f"| {_fmt(r.get('jit_epoch_s'))} | {mixed} | {seed} | {chapter} | {reached} "
            f"| {_fmt(r['inference_per_s'], 0)} {r['inference_unit']}/s | {memory} |"
        )
    return "\n".join(lines) + "\n"


def _child(name: str, quick: bool, target: float | None, out: Path) -> None:
    row = bench_speech(quick) if name == "ch04-mask" else bench_images(name, quick, target)
    out.write_text(json.dumps(row))


def _about(quick: bool) -> dict:
    import importlib
    import os

    import keras

    backend = keras.backend.backend()
    about = {
        "quick": quick,
        "device": backend_device(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "keras": keras.__version__,
        "written": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    library = importlib.import_module({"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend, backend))
    about["backend"] = (
        f"{ {'tensorflow': 'TensorFlow', 'jax': 'JAX', 'torch': 'PyTorch'}.get(backend, backend) } {getattr(library, '__version__', '')}".strip()
    )
    if backend == "tensorflow":
        about["tensorflow"] = library.__version__
    return about


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dae.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="less data and fewer epochs, the same code")
    parser.add_argument("--only", nargs="+", choices=MODELS, help="measure these models only")
    parser.add_argument(
        "--precision",
        action="store_true",
        help="instead: train each image model's schedule under each dtype policy (float32, mixed float16/bfloat16), "
        "on whichever Keras backend is active; writes benchmarks/PRECISION.md unless --out says otherwise",
    )
    parser.add_argument("--out", help="the Markdown page to write (default: benchmarks/RESULTS.md)")
    parser.add_argument("--child", choices=MODELS, help=argparse.SUPPRESS)
    parser.add_argument("--target", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.quick, args.target, Path(args.json))
        return
    names = [m for m in MODELS if not args.only or m in args.only]
    if args.precision:
        rows = []
        for name in names:
            if name == "ch04-mask":
                continue  # its patches are made on the CPU each epoch; the image models show what the policies do
            print(f"measuring {name} under each dtype policy ...", flush=True)
            rows += bench_precision(name, args.quick)
        _write(precision_markdown(rows, _about(args.quick)), args.out or "benchmarks/PRECISION.md")
        return
    import keras

    if keras.backend.backend() != "tensorflow":
        raise SystemExit(
            f"Keras runs on {keras.backend.backend()} here: the full benchmark times the chapters' tf.data pipeline and needs "
            "TensorFlow (KERAS_BACKEND=tensorflow); --precision runs on any backend"
        )
    rows, target = [], None
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            out = Path(folder) / f"{name}.json"
            command = [sys.executable, "-m", "dae.bench", "--child", name, "--json", str(out)] + (["--quick"] if args.quick else [])
            if name == "ch03-unet":
                if target is None:
                    raise SystemExit("ch03-unet is held to ch03-conv's seed schedule: measure ch03-conv in the same run")
                command += ["--target", str(target)]
            print(f"measuring {name} ...", flush=True)
            start = time.perf_counter()
            subprocess.run(command, check=True)
            row = json.loads(out.read_text())
            if name == "ch03-conv":
                target = row["target_psnr"]
            rows.append(row)
            print(f"  {name}: done in {time.perf_counter() - start:.0f} s", flush=True)
    _write(markdown(rows, _about(args.quick)), args.out or "benchmarks/RESULTS.md")


def _write(page: str, out: str) -> None:
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(page)
    print(page)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
