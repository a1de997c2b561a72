"""dae.bench: the benchmark's table, its timing arithmetic and its schedules, read from dae.recipes (the measurements themselves take minutes)."""

from __future__ import annotations

import numpy as np
import pytest

from dae import bench, recipes, train
from dae.bench import measure, schedules

ABOUT = {"quick": False, "device": "CPU", "cpus": 2, "python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1", "written": "2026-11-25 22:00 UTC"}
CONV = {
    "model": "ch03-conv",
    "samples": 59500,
    "test_images": 10000,
    "chapter_batch": 64,
    "seed_epoch_s": 57.04,
    "chapter_epoch_s": 27.2,
    "jit_epoch_s": 80.25,
    "mixed_epoch_s": 30.0,
    "mixed_policy": "mixed_bfloat16",
    "seed_epochs": 10,
    "seed_train_s": 580.4,
    "target_psnr": 18.5123,
    "chapter_epochs": 5,
    "chapter_psnr": 18.37,
    "epochs_to_target": None,
    "seconds_to_target": None,
    "inference_per_s": 15000.0,
    "inference_unit": "images",
    "peak_rss_mb": 2100.4,
}
UNET = CONV | {
    "model": "ch03-unet",
    "chapter_batch": 128,
    "seed_epochs": None,
    "seed_train_s": None,
    "chapter_epochs": 2,
    "chapter_psnr": 20.43,
    "epochs_to_target": 1,
    "seconds_to_target": 71.6,
    "peak_gpu_mb": 512.0,
}
MASK = {
    "model": "ch04-mask",
    "samples": 4000,
    "chapter_batch": 32,
    "chapter_epoch_s": 12.3,
    "inference_per_s": 250.0,
    "inference_unit": "audio seconds",
    "peak_rss_mb": 1500.0,
}


def test_markdown_names_the_machine_and_the_versions():
    page = bench.markdown([CONV], ABOUT)
    assert "CPU, 2 CPU cores, Python 3.11.7, TensorFlow 2.21.0, Keras 3.15.1" in page
    assert "Quick mode" not in page
    assert "Quick mode" in bench.markdown([CONV], ABOUT | {"quick": True})


def test_markdown_rows_say_what_was_measured():
    lines = bench.markdown([CONV, UNET, MASK], ABOUT).splitlines()
    conv = next(line for line in lines if line.startswith("| ch03-conv"))
    assert "| 57.0 | 27.2 (64) | 80.2 | 30.0 (bfloat16) | 10, 580, 18.51 | 5, 18.37 | not in 5 | 15,000 images/s | 2,100 |" in conv
    unet = next(line for line in lines if line.startswith("| ch03-unet"))
    assert "| (target 18.51) | 2, 20.43 | 1 (72) |" in unet and "(GPU 512)" in unet
    mask = next(line for line in lines if line.startswith("| ch04-mask"))
    assert "| 4,000 |  | 12.3 (32) |  |  |  |  |  | 250 audio seconds/s | 1,500 |" in mask


def test_steps_seconds_count_the_fixed_cost_of_a_call_once(monkeypatch):
    calls = []
    # The short call takes 1 s + 20 steps of 0.01 s, the long one 1 s + 120 steps: 1 s is paid per call.
    clock = iter([0.0, 1.2, 10.0, 12.2])
    monkeypatch.setattr(train.time, "perf_counter", lambda: next(clock))
    seconds = measure._steps_seconds("model", lambda model, steps: calls.append(steps), samples=6400, batch_size=32)
    assert calls == [measure.WARMUP_STEPS, measure.SHORT_STEPS, measure.LONG_STEPS]
    assert seconds == pytest.approx(1.0 + 0.01 * 200)


def test_numpy_steps_feed_whole_batches_of_numpy_arrays():
    class Recorder:
        def fit(self, x, y, batch_size, epochs, verbose):
            self.x, self.y, self.batch_size = x, y, batch_size

    x, y = np.arange(10.0), -np.arange(10.0)
    model = Recorder()
    measure._numpy_steps(x, y, 4)(model, 3)
    assert isinstance(model.x, np.ndarray) and len(model.x) == 12 and model.batch_size == 4
    np.testing.assert_array_equal(model.y, -model.x)


def test_unet_needs_the_conv_models_target():
    with pytest.raises(SystemExit, match="ch03-conv"):
        bench.main(["--only", "ch03-unet", "--out", "unused.md"])


# --- --precision: each dtype policy's speed and quality ----------------------------------------

PRECISION_ABOUT = ABOUT | {"device": "GPU (NVIDIA H200)", "cpus": 16, "backend": "JAX 0.11.2"}
FLOAT32 = {
    "model": "ch03-unet",
    "policy": "float32",
    "xla": True,
    "samples": 59500,
    "batch": 128,
    "epochs": 2,
    "first_epoch_s": 9.4,
    "epoch_s": 1.30,
    "train_s": 10.7,
    "psnr": 20.38,
}


def test_precision_markdown_compares_each_policy_with_float32():
    rows = [
        FLOAT32,
        FLOAT32 | {"policy": "mixed_float16", "epoch_s": 0.65, "psnr": 20.28},
        FLOAT32 | {"policy": "mixed_bfloat16", "psnr": float("nan")},
    ]
    page = bench.precision_markdown(rows, PRECISION_ABOUT)
    assert "GPU (NVIDIA H200), 16 CPU cores, Python 3.11.7, Keras 3.15.1 on JAX 0.11.2." in page
    lines = page.splitlines()
    assert "| ch03-unet | float32 | on | 128 | 2 | 9.4 | 1.30 | 1.00x | 10.7 | 20.38 | +0.00 |" in lines
    assert "| ch03-unet | mixed_float16 | on | 128 | 2 | 9.4 | 0.65 | 2.00x | 10.7 | 20.28 | -0.10 |" in lines
    assert "| ch03-unet | mixed_bfloat16 | on | 128 | 2 | 9.4 | 1.30 | 1.00x | 10.7 | nan | non-finite output |" in lines


def _gpu_present() -> bool:
    """Whether the active Keras backend trains on a GPU, asked of the backend itself (not of dae.bench)."""
    import keras

    if keras.backend.backend() == "jax":
        import jax

        return jax.devices()[0].platform == "gpu"
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def test_precision_policies_time_float16_only_on_a_gpu():
    expected = ("float32", "mixed_float16", "mixed_bfloat16") if _gpu_present() else ("float32", "mixed_bfloat16")
    assert bench.precision_policies() == expected


def test_bench_precision_trains_each_policy_and_restores_float32(monkeypatch, mnist_root):
    """Each policy trains a model that denoises: its PSNR beats both the noisy input's and the untrained model's."""
    import keras

    from dae import metrics
    from dae import settings as settings_module
    from dae.bench import precision

    monkeypatch.setenv("DAE_DATA_DIR", str(mnist_root))
    monkeypatch.setattr(schedules, "QUICK_DIGITS", 512)
    monkeypatch.setattr(schedules, "QUICK_TEST", 64)
    # Chapter 3's noise (N(0.5, 0.5) added, then clipped) on flat digits: two quick epochs of the dense model
    # clearly beat its noisy input, which two epochs cannot do against Chapter 2's milder noise.
    digits = tuple(a[..., 0] for a in measure._images("ch03-conv", quick=True))
    monkeypatch.setattr(precision, "_images", lambda name, quick: digits)
    x_train, _, x_test, noisy_test = digits
    noisy_psnr = float(metrics.psnr(x_test, noisy_test).mean())
    settings_module.seed_everything(0)
    untrained = schedules.image_model("ch02-dense", "chapter", schedules.QUICK_EPOCHS, len(x_train))
    untrained_psnr = float(metrics.psnr(x_test, train.predict(untrained, noisy_test)).mean())

    rows = bench.bench_precision("ch02-dense", quick=True)
    assert [r["policy"] for r in rows] == list(bench.precision_policies())
    assert keras.mixed_precision.global_policy().name == "float32"
    # Keras' jit_compile="auto": XLA with JAX always, with TensorFlow on a GPU only.
    xla_expected = keras.backend.backend() == "jax" or _gpu_present()
    for row in rows:
        assert row["samples"] == 512 and row["epochs"] == schedules.QUICK_EPOCHS and row["batch"] == 256
        assert row["xla"] is xla_expected
        assert 0 < row["epoch_s"] <= row["train_s"]
        assert row["psnr"] > noisy_psnr + 3.0 and row["psnr"] > untrained_psnr + 3.0, (row["policy"], row["psnr"], noisy_psnr, untrained_psnr)
    assert max(r["psnr"] for r in rows) - min(r["psnr"] for r in rows) < 1.0  # lower precision, about the same model


def test_conv_schedules_are_the_tutorials_and_the_chapters():
    import keras

    seed = schedules.image_model("ch03-conv", "seed", 10, 59500)
    assert float(keras.ops.convert_to_numpy(seed.optimizer.learning_rate)) == pytest.approx(0.001)
    chapter = schedules.image_model("ch03-conv", "chapter", 6, 59500)
    schedule = chapter.optimizer._learning_rate  # Chapter 3: from 0.002 along a cosine over 6 epochs of batch 32
    steps = 6 * int(np.ceil(59500 / 32))
    assert float(schedule(0)) == pytest.approx(0.002) and float(schedule(steps)) == pytest.approx(0.002 * 0.02)
    conv = bench.plan("ch03-conv")
    assert (conv.seed_epochs, conv.chapter.batch_size, conv.chapter.epochs) == (10, 32, 6)


def test_the_package_loads_its_modules_on_first_use():
    import subprocess
    import sys

    # So --precision can run where Keras has another backend and neither TensorFlow nor librosa is installed.
    code = (
        "import sys, dae, dae.bench, dae.recipes, dae.noise, dae.metrics; "
        "assert not {'tensorflow', 'librosa', 'keras'} & set(sys.modules), sorted(sys.modules); "
        "assert callable(dae.noise.add_noise) and 'speech' in dir(dae)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the schedules: the chapters' recipes, read, not re-typed ----------------------------------


def test_recipes_give_chapter_2s_numbers(settings_full, settings_quick):
    full, quick = recipes.tutorial_dense(settings_full), recipes.tutorial_dense(settings_quick)
    assert full.loss == "mse"
    assert full.chapter == recipes.Schedule(epochs=20, batch_size=256, learning_rate=0.001, optimizer="adamax")  # EPOCHS, BATCH_SIZE
    assert (quick.chapter.epochs, quick.chapter.batch_size) == (8, 256)
    assert (full.other_noise.epochs, quick.other_noise.epochs) == (10, 3)  # OTHER_EPOCHS
    assert full.other_noise.batch_size == quick.other_noise.batch_size == 256
    # The tutorial: 30 epochs of 32, adamax at Keras' default rate, at full settings and in quick mode alike.
    assert full.tutorial == quick.tutorial == recipes.Schedule(epochs=30, batch_size=32, learning_rate=0.001, optimizer="adamax")


def test_recipes_give_chapter_3s_numbers(settings_full, settings_quick):
    conv, quick_conv = recipes.tutorial_conv(settings_full), recipes.tutorial_conv(settings_quick)
    assert conv.loss == "mse"
    assert conv.chapter == recipes.Schedule(epochs=6, batch_size=32, learning_rate=0.002, optimizer="cosine_adam")
    assert (quick_conv.chapter.epochs, quick_conv.chapter.batch_size, quick_conv.chapter.learning_rate) == (2, 32, 0.002)
    assert conv.tutorial == quick_conv.tutorial == recipes.Schedule(epochs=10, batch_size=32, learning_rate=0.001, optimizer="adam")
    unet, quick_unet = recipes.unet(settings_full), recipes.unet(settings_quick)
    assert unet.loss == "binary_crossentropy" and unet.tutorial is None
    assert unet.chapter == recipes.Schedule(epochs=2, batch_size=128, learning_rate=0.004, optimizer="cosine_adam")  # UNET_EPOCHS, UNET_BATCH
    assert quick_unet.chapter == recipes.Schedule(epochs=1, batch_size=32, learning_rate=0.004, optimizer="cosine_adam")
    assert unet.fine_tune == recipes.Schedule(epochs=1, batch_size=128, learning_rate=0.002, optimizer="cosine_adam")
    assert quick_unet.fine_tune.batch_size == 32  # fine-tuning trains at UNET_BATCH too


def test_schedules_make_the_optimizers_the_chapters_compile():
    import keras

    adamax = recipes.Schedule(epochs=30, batch_size=32, learning_rate=0.001, optimizer="adamax").make_optimizer(samples=100)
    assert isinstance(adamax, keras.optimizers.Adamax) and float(keras.ops.convert_to_numpy(adamax.learning_rate)) == pytest.approx(0.001)
    cosine = recipes.Schedule(epochs=2, batch_size=10, learning_rate=0.004, optimizer="cosine_adam").make_optimizer(samples=100, epochs=3)
    assert float(cosine._learning_rate(30)) == pytest.approx(0.004 * 0.02)  # spans the 3 epochs asked for, of 10 steps each
    with pytest.raises(ValueError, match="optimizer"):
        recipes.Schedule(epochs=1, batch_size=1, learning_rate=0.1, optimizer="sgd")


def test_bench_plans_each_image_model_from_its_recipe():
    # What bench.py used to re-type as SCHEDULES, read from the recipes at full settings (the seed batch was SEED_BATCH = 32).
    seed_epochs = {name: bench.plan(name).seed_epochs for name in schedules.RECIPES}
    chapter = {name: (bench.plan(name).chapter.batch_size, bench.plan(name).chapter.epochs) for name in schedules.RECIPES}
    assert seed_epochs == {"ch02-dense": 30, "ch03-conv": 10, "ch03-unet": None}
    assert chapter == {"ch02-dense": (256, 20), "ch03-conv": (32, 6), "ch03-unet": (128, 2)}
    assert {bench.plan(name).seed.batch_size for name in schedules.RECIPES} == {32}
    unet = bench.plan("ch03-unet")  # no tutorial of its own: its chapter's optimizer at the conv tutorial's batch, not trained
    assert unet.seed.learning_rate == 0.004 and unet.seed.optimizer == "cosine_adam" and not unet.train_seed
    with pytest.raises(ValueError, match="schedule"):
        schedules.image_model("ch03-conv", "tutorial", 1, 100)


def _faster_conv(settings):
    return recipes.Recipe(
        loss="mse",
        chapter=recipes.Schedule(epochs=settings.choose(full=3, quick=1), batch_size=64, learning_rate=0.005, optimizer="cosine_adam"),
        tutorial=recipes.Schedule(epochs=4, batch_size=16, learning_rate=0.0005, optimizer="adam"),
    )


def test_bench_reads_the_recipe_when_it_runs(monkeypatch):
    import keras

    monkeypatch.setattr(recipes, "tutorial_conv", _faster_conv)
    conv = bench.plan("ch03-conv")
    assert (conv.seed_epochs, conv.seed.batch_size, conv.chapter.batch_size, conv.chapter.epochs) == (4, 16, 64, 3)  # full settings, even for --quick
    chapter = schedules.image_model("ch03-conv", "chapter", 3, 6400)
    schedule = chapter.optimizer._learning_rate
    assert float(schedule(0)) == pytest.approx(0.005) and float(schedule(3 * 100)) == pytest.approx(0.005 * 0.02)  # 100 steps of 64 per epoch
    seed = schedules.image_model("ch03-conv", "seed", 4, 6400)
    assert float(keras.ops.convert_to_numpy(seed.optimizer.learning_rate)) == pytest.approx(0.0005)
    assert bench.plan("ch03-unet").seed.batch_size == 16  # the U-Net is timed at the conv tutorial's batch


def _tiny_dense(settings):
    return recipes.Recipe(
        loss="mse",
        chapter=recipes.Schedule(epochs=3, batch_size=16, learning_rate=0.001, optimizer="adamax"),
        tutorial=recipes.Schedule(epochs=3, batch_size=8, learning_rate=0.001, optimizer="adamax"),
    )


def test_bench_images_trains_the_recipes_schedules_capped_in_quick_mode(monkeypatch):
    rng = np.random.RandomState(0)
    clean, test = rng.rand(64, 28, 28).astype(np.float32), rng.rand(16, 28, 28).astype(np.float32)
    monkeypatch.setattr(measure, "_images", lambda name, quick: (clean, np.clip(clean + 0.1, 0, 1), test, np.clip(test + 0.1, 0, 1)))
    monkeypatch.setattr(measure, "WARMUP_STEPS", 1)
    monkeypatch.setattr(measure, "SHORT_STEPS", 1)
    monkeypatch.setattr(measure, "LONG_STEPS", 2)
    monkeypatch.setattr(recipes, "tutorial_dense", _tiny_dense)
    row = bench.bench_images("ch02-dense", quick=True)
    # Quick mode keeps the recipe's batch sizes and caps its epochs, as the benchmark always did.
    assert row["chapter_batch"] == 16 and row["seed_epochs"] == row["chapter_epochs"] == schedules.QUICK_EPOCHS == 2
    assert row["samples"] == 64 and row["test_images"] == 16 and row["inference_unit"] == "images"
    for key in ("seed_epoch_s", "chapter_epoch_s", "jit_epoch_s", "mixed_epoch_s", "seed_train_s", "inference_per_s", "peak_rss_mb"):
        assert row[key] > 0, key
    assert np.isfinite(row["target_psnr"]) and np.isfinite(row["chapter_psnr"])


def test_bench_and_the_chapters_share_one_epoch_estimate(monkeypatch):
    from dae import models

    calls = []

    def time_epoch(fit_steps, **counts):
        calls.append(counts)
        return 1.5

    monkeypatch.setattr(train, "time_epoch", time_epoch)
    assert measure._steps_seconds("model", lambda model, steps: None, samples=6400, batch_size=32) == 1.5
    _, _, model = models.dense_autoencoder(code_size=4)
    model.compile(optimizer="adam", loss="mse")
    x = np.zeros((64, 28, 28), np.float32)
    assert train.estimate_epoch_seconds(model, x, x, batch_size=32, steps=50) == 1.5  # as Chapters 2 and 3 call it
    assert calls == [
        {"samples": 6400, "batch_size": 32, "steps": measure.LONG_STEPS, "warmup": measure.WARMUP_STEPS, "short_steps": measure.SHORT_STEPS},
        {"samples": 64, "batch_size": 32, "steps": 50, "warmup": 20},
    ]
