"""``python -m dae.bench``: what each chapter's models cost on this machine, measured in one run.

For each image model it measures

- seconds per epoch with the tutorial's settings (NumPy arrays straight into ``model.fit``, batch 32)
  against the chapter's input pipeline (``tf.data`` through :func:`dae.train.fit`) and batch size,
  both from timed training steps scaled to one pass over the training digits, plus each call's fixed cost;
- the tutorial's own schedule trained to its end, and its final test PSNR; then the chapter's schedule,
  trained for real, with the epoch and the training time at which its test PSNR first reaches that
  value (the U-Net is held to the tutorial's convolutional model, on the tutorial's noise);
- the chapter's seconds per epoch again with XLA compilation (``jit_compile=True``) and with mixed
  precision (float16 on a GPU, bfloat16 on a CPU), the two switches that can speed training up on
  some devices: the chapters turn each on only where this table shows it helps;
- inference speed, in images per second, and beside it the reader's side: milliseconds per update of the
  chapter's denoising lab (:mod:`dae.lab`) in headless Chromium (:mod:`.lab`);
- peak memory of the process (resident set; on a GPU, TensorFlow's peak allocation too).

For Chapter 5's speech model: seconds per training epoch and seconds of audio denoised per second.
Each model runs in a process of its own, so its peak memory is its own. ``--quick`` uses less data
and fewer epochs, the same code. The Markdown table names the device and the library versions.

``--precision`` measures something else: it trains each image model's chapter schedule once per Keras
dtype policy (float32, mixed float16 on a GPU, mixed bfloat16) and reports seconds per epoch and final
test PSNR for each. It feeds NumPy arrays, not ``tf.data``, so it also runs on Keras' JAX or PyTorch
backend where TensorFlow is not installed.

The schedules are the chapters' own, read from :mod:`dae.recipes` and :func:`dae.speech.recipe`
(:mod:`.schedules`); :mod:`.measure` runs and times the models, :mod:`.precision` the dtype policies,
:mod:`.report` writes the pages and :mod:`.cli` is the command line.
"""

from .cli import main
from .device import backend_device
from .measure import bench_images, bench_speech, mixed_policy
from .precision import bench_precision, precision_policies
from .report import markdown, precision_markdown, run_facts
from .schedules import MODELS, Plan, plan

__all__ = [
    "MODELS",
    "Plan",
    "backend_device",
    "bench_images",
    "bench_precision",
    "bench_speech",
    "main",
    "markdown",
    "mixed_policy",
    "plan",
    "precision_markdown",
    "precision_policies",
    "run_facts",
]
