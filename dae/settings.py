"""One place for run settings: quick mode (``DAE_QUICK=1``), seeds and the training device.

Quick mode changes how much runs (training examples and epochs), never which code runs.
"""

from __future__ import annotations

import logging
import os
import random
from dataclasses import dataclass

import numpy as np

QUICK_ENV = "DAE_QUICK"
SEED_ENV = "DAE_SEED"


def quick_from_env() -> bool:
    """Read ``DAE_QUICK``: '1', 'true', 'yes' or 'on' mean quick; unset, '', '0', 'false' mean full."""
    raw = os.environ.get(QUICK_ENV, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"{QUICK_ENV}={raw!r} is not understood: use 1 for quick mode or 0 for full settings")


def seed_from_env(default: int) -> int:
    """Read ``DAE_SEED``, the training seed: a non-negative integer replaces ``default``; unset or '' keeps it.

    The chapters draw their data and noise from fixed seeds of their own, so this seed changes only what
    training draws (first weights, shuffling): training a chapter from another seed shows how far its
    numbers move from run to run (``benchmarks/SPREAD.md``).
    """
    raw = os.environ.get(SEED_ENV, "").strip()
    if raw == "":
        return default
    if not raw.isdigit():
        raise ValueError(f"{SEED_ENV}={raw!r} is not a training seed: use a non-negative integer such as 1")
    return int(raw)


def device_name() -> str:
    """Name the device Keras trains on: 'GPU (<name>)' when TensorFlow sees one, else 'CPU'."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    try:
        details = tf.config.experimental.get_device_details(gpus[0])
        return f"GPU ({details.get('device_name', gpus[0].name)})"
    except Exception:  # details are informative only
        return f"GPU ({gpus[0].name})"


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and Keras/TensorFlow with one integer."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed))
    import keras

    keras.utils.set_random_seed(int(seed))


def make_repeatable() -> None:
    """Ask TensorFlow for deterministic kernels: the same inputs on the same machine give the same outputs.

    On this book's CPUs it cost no measurable time and changed no output (``CONTRIBUTING.md``); it
    guards against a kernel that sums in thread order. Another processor may still compute otherwise.
    """
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()


@dataclass(frozen=True)
class Settings:
    """What a chapter needs to know about this run: quick or full, the seed and the device."""

    quick: bool
    seed: int
    device: str

    def choose(self, *, full, quick):
        """Return ``full`` at full settings and ``quick`` in quick mode (epochs, sample counts)."""
        return quick if self.quick else full

    def subset(self, *arrays, quick: int):
        """The first ``quick`` items of each array in quick mode; the arrays unchanged at full settings."""
        if not arrays:
            raise ValueError("subset needs at least one array")
        lengths = {len(a) for a in arrays}
        if len(lengths) != 1:
            raise ValueError(f"arrays must have the same length, got lengths {sorted(lengths)}")
        if quick <= 0:
            raise ValueError(f"quick must be a positive count, got {quick}")
        out = tuple(a[:quick] for a in arrays) if self.quick else arrays
        return out[0] if len(out) == 1 else out

    def describe(self) -> str:
        """One line for the top of a chapter: mode, seed, device and, on a GPU, how it computes."""
        # In quick mode the page's prose, written for full settings, can disagree with the numbers printed above it.
        mode = "full settings"
        if self.quick:
            mode = f"quick mode ({QUICK_ENV}=1: less data and fewer epochs than the text describes)"
        line = f"{mode}, seed {self.seed}, training on {self.device}"
        if self.device.startswith("GPU"):
            # Keras' jit_compile="auto" turns XLA on wherever TensorFlow sees a GPU. Mixed precision stays off:
            # on a GPU it made none of these small models faster (benchmarks/PRECISION_GPU.md).
            line += ", XLA-compiled, in float32"
        return line


class _RetracingFilter(logging.Filter):
    """Drops TensorFlow's note that a function was traced again.

    Chapters call ``predict`` on several models of different shapes, which retraces by design; the
    note is about speed, not correctness, and would clutter a page. Every other message passes.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def quiet_retracing_notes() -> None:
    """Install ``_RetracingFilter`` on TensorFlow's logger once."""
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _RetracingFilter) for f in logger.filters):
        logger.addFilter(_RetracingFilter())


def setup(seed: int = 0, quick: bool | None = None) -> Settings:
    """Seed everything (with ``DAE_SEED`` when set, else ``seed``) and read quick mode from ``DAE_QUICK`` (unless ``quick`` is given)."""
    quick = quick_from_env() if quick is None else bool(quick)
    seed = seed_from_env(seed)
    seed_everything(seed)
    make_repeatable()
    quiet_retracing_notes()
    from . import figure_text  # noqa: F401  (from here on, every figure a chapter draws records its smallest text)

    return Settings(quick=quick, seed=int(seed), device=device_name())
