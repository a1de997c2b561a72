"""``--precision``: each image model's chapter schedule trained once per Keras dtype policy, on any Keras backend.

It feeds NumPy arrays, not ``tf.data``, so it also runs on Keras' JAX or PyTorch backend where TensorFlow
is not installed.
"""

from __future__ import annotations

import numpy as np

from .device import backend_device
from .measure import _images, _psnr_watch
from .schedules import capped, image_model, plan


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

    from .. import settings as settings_module

    x, noisy, x_test, noisy_test = _images(name, quick)
    chapter = plan(name).chapter
    batch, epochs = chapter.batch_size, capped(chapter.epochs, quick)
    rows = []
    for policy in precision_policies():
        keras.mixed_precision.set_global_policy(policy)
        try:
            settings_module.seed_everything(0)
            model = image_model(name, "chapter", epochs, len(x), jit_compile="auto")
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
