"""dae.bench: the benchmark's table and its timing arithmetic (the measurements themselves take minutes)."""

from __future__ import annotations

import numpy as np
import pytest

from dae import bench

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
    monkeypatch.setattr(bench.time, "perf_counter", lambda: next(clock))
    seconds = bench._steps_seconds("model", lambda model, steps: calls.append(steps), samples=6400, batch_size=32)
    assert calls == [bench.WARMUP_STEPS, bench.SHORT_STEPS, bench.LONG_STEPS]
    assert seconds == pytest.approx(1.0 + 0.01 * 200)


def test_numpy_steps_feed_whole_batches_of_numpy_arrays():
    class Recorder:
        def fit(self, x, y, batch_size, epochs, verbose):
            self.x, self.y, self.batch_size = x, y, batch_size

    x, y = np.arange(10.0), -np.arange(10.0)
    model = Recorder()
    bench._numpy_steps(x, y, 4)(model, 3)
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


def test_precision_policies_on_a_cpu_leave_out_float16():
    assert bench.precision_policies() == ("float32", "mixed_bfloat16")


def test_bench_precision_trains_each_policy_and_restores_float32(monkeypatch, mnist_root):
    import keras

    monkeypatch.setenv("DAE_DATA_DIR", str(mnist_root))
    monkeypatch.setattr(bench, "QUICK_DIGITS", 512)
    monkeypatch.setattr(bench, "QUICK_TEST", 64)
    rows = bench.bench_precision("ch02-dense", quick=True)
    assert [r["policy"] for r in rows] == ["float32", "mixed_bfloat16"]
    assert keras.mixed_precision.global_policy().name == "float32"
    for row in rows:
        assert row["samples"] == 512 and row["epochs"] == bench.QUICK_EPOCHS and row["batch"] == 256
        assert row["xla"] is False  # Keras' default on a CPU
        assert np.isfinite(row["psnr"]) and row["psnr"] > 5 and 0 < row["epoch_s"] <= row["train_s"]


def test_conv_schedules_are_the_tutorials_and_the_chapters():
    import keras

    seed = bench._image_model("ch03-conv", "seed", 10, 59500)
    assert float(keras.ops.convert_to_numpy(seed.optimizer.learning_rate)) == pytest.approx(0.001)
    chapter = bench._image_model("ch03-conv", "chapter", 6, 59500)
    schedule = chapter.optimizer._learning_rate  # Chapter 3: from 0.002 along a cosine over 6 epochs of batch 32
    steps = 6 * int(np.ceil(59500 / 32))
    assert float(schedule(0)) == pytest.approx(0.002) and float(schedule(steps)) == pytest.approx(0.002 * 0.02)
    assert bench.SCHEDULES["ch03-conv"] == (10, 32, 6)


def test_the_package_loads_its_modules_on_first_use():
    import subprocess
    import sys

    # So --precision can run where Keras has another backend and neither TensorFlow nor librosa is installed.
    code = (
        "import sys, dae, dae.bench, dae.noise, dae.metrics; "
        "assert not {'tensorflow', 'librosa', 'keras'} & set(sys.modules), sorted(sys.modules); "
        "assert callable(dae.noise.add_noise) and 'speech' in dir(dae)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
