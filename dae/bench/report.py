"""The benchmark's Markdown pages: ``benchmarks/RESULTS.md`` (what the models cost) and the ``--precision`` page.

Each page opens with the command that measured it, when, and on what machine and library versions.
"""

from __future__ import annotations

import platform
from datetime import datetime, timezone

import numpy as np

from . import schedules


def run_facts(quick: bool) -> dict:
    """What a page says about its run: quick or not, device, processor count, Python, Keras and backend versions, and when."""
    import importlib
    import os

    import keras

    from .device import backend_device

    backend = keras.backend.backend()
    facts = {
        "quick": quick,
        "device": backend_device(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "keras": keras.__version__,
        "written": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    library = importlib.import_module({"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend, backend))
    facts["backend"] = (
        f"{ {'tensorflow': 'TensorFlow', 'jax': 'JAX', 'torch': 'PyTorch'}.get(backend, backend) } {getattr(library, '__version__', '')}".strip()
    )
    if backend == "tensorflow":
        facts["tensorflow"] = library.__version__
    return facts


def _measured_by(about: dict, option: str, versions: str, epochs_of: str) -> str:
    """A page's first line: the command that measured it, when, on what machine and library versions."""
    command = " ".join(part for part in ("python -m dae.bench", option, "--quick" if about["quick"] else "") if part)
    line = f"Measured by `{command}` on {about['written']}: {about['device']}, {about['cpus']} CPU cores, Python {about['python']}, {versions}."
    if about["quick"]:
        line += (
            f" Quick mode: {schedules.QUICK_DIGITS:,} training digits, {schedules.QUICK_TEST:,} test digits, "
            f"at most {schedules.QUICK_EPOCHS} epochs{epochs_of}."
        )
    return line


def _fmt(value, digits=1, none=""):
    return none if value is None else f"{value:,.{digits}f}"


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


def markdown(rows: list[dict], about: dict) -> str:
    """The benchmark's rows as a Markdown page: what ran where, then one table."""
    lines = [
        "# What the models cost",
        "",
        _measured_by(about, "", f"TensorFlow {about['tensorflow']}, Keras {about['keras']}", " per schedule"),
        "",
        "Seconds per epoch come from timed training steps scaled to one pass over the training data, plus the fixed cost of a call "
        "of `model.fit` (for `tf.data`, filling the shuffle buffer): with the tutorial's settings "
        "(NumPy arrays straight into `model.fit`, batch 32), and with the chapter's `tf.data` pipeline (`dae.train.fit`) and batch size, "
        "also with XLA (`jit_compile=True`) and with mixed precision (float16 on a GPU, bfloat16 on a CPU). "
        "The tutorial's schedule is then trained to its end; the chapter's schedule is trained after it, and the last columns say at which "
        "epoch, after how many seconds of training, its test PSNR first reached the tutorial's final PSNR. The U-Net is held to the "
        "tutorial's convolutional model on the tutorial's noise. Peak memory is the resident set of the process that ran the model. "
        "The last column is the reader's side: the median milliseconds of one update of the chapter's denoising lab (`dae.lab`: new noise, "
        "every model the chapter's lab shows run by ONNX Runtime Web, PSNR and SSIM) over 50 updates in headless Chromium, "
        "beside the Python inference speed; it is given on the row of the lab's first model (Chapter 3's lab also runs three U-Nets).",
        "",
        "| model | training examples | seed settings: s/epoch (batch 32) | chapter: s/epoch (batch) | chapter + XLA: s/epoch "
        "| chapter + mixed precision: s/epoch | tutorial's schedule: epochs, s, final PSNR (dB) "
        "| chapter's schedule: epochs, final PSNR (dB) | reached the tutorial's PSNR at epoch (s) | inference | peak memory (MB) "
        "| lab in the page: ms per update |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
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
            f"| {_fmt(r['inference_per_s'], 0)} {r['inference_unit']}/s | {memory} | {_fmt(r.get('lab_update_ms'))} |"
        )
    return "\n".join(lines) + "\n"
