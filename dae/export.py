"""Trained Keras models as ONNX files that a page runs in the reader's browser, each checked against Keras first.

:func:`export` writes one model with Keras' own ``model.export(path, format="onnx")`` (which uses ``tf2onnx``)
into :func:`onnx_dir` (``onnx/`` inside the results folder), named like a model-cache key,
``<name>-<16 hex digits>.onnx``, the digits hashing the model's architecture and weights, so a retrained model is
a new file and a page never loads a stale one. Before it returns, the file is run by the Python ``onnxruntime``
on 64 test digits and its output compared with Keras' ``predict``: a difference above 1e-4 (largest absolute
difference) raises an error that names the model, and the file is removed. The book's Sphinx extension
(``_ext/offline_html.py``) copies the files a page names into the build's ``_static/dae-lab/``.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import cache, results

ONNX_FOLDER = "onnx"
TOLERANCE = 1e-4  # largest absolute difference allowed between onnxruntime's output and Keras' predict
CHECK_DIGITS = 64
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FILE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*-[0-9a-f]{16}\.onnx$")


@dataclass(frozen=True)
class Exported:
    """One exported model: its file, the input shape per image, the largest difference from Keras and the seconds taken."""

    path: Path
    input_shape: tuple[int, ...]
    max_difference: float
    seconds: float

    @property
    def file_name(self) -> str:
        return self.path.name


def onnx_dir() -> Path:
    """The folder of exported models: ``onnx/`` inside :func:`dae.results.results_dir` (quick and full builds apart)."""
    return results.results_dir() / ONNX_FOLDER


def model_key(name: str, model) -> str:
    """``<name>-<16 hex digits>``: a hash of the model's architecture (its Keras JSON) and its weights."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name must be lower-case letters, digits, '-' or '_', got {name!r}")
    digest = hashlib.sha256(model.to_json().encode())
    for weights in model.get_weights():
        array = np.ascontiguousarray(weights)
        digest.update(f"{array.dtype}{array.shape}".encode())
        digest.update(array.tobytes())
    return f"{name}-{digest.hexdigest()[:16]}"


def _check_digits(model, digits) -> np.ndarray:
    shape = tuple(model.input_shape[1:])
    x = np.asarray(digits, dtype=np.float32)
    if x.ndim == len(shape) and x.shape[-1:] != (1,) and shape[-1:] == (1,):
        x = x[..., None]  # (N, H, W) digits for a model that takes (N, H, W, 1)
    if x.ndim == len(shape) + 2 and x.shape[-1] == 1 and shape[-1:] != (1,):
        x = x[..., 0]  # (N, H, W, 1) digits for a model that takes (N, H, W)
    if x.ndim != len(shape) + 1 or tuple(x.shape[1:]) != shape:
        raise ValueError(f"digits must be a batch of shape (N, {', '.join(map(str, shape))}) for this model, got {np.shape(digits)}")
    if len(x) < CHECK_DIGITS:
        raise ValueError(f"digits must hold at least {CHECK_DIGITS} test images for the check, got {len(x)}")
    if not np.all(np.isfinite(x)) or x.min() < 0 or x.max() > 1:
        raise ValueError("digits must be grey levels in [0, 1]")
    return x[:CHECK_DIGITS]


def check(path, model, digits) -> float:
    """Run the ONNX file ``path`` with Python's onnxruntime on ``digits`` (N >= 64, in [0, 1]); return the largest
    absolute difference from ``model.predict``, or raise RuntimeError naming the model when it exceeds 1e-4."""
    import onnxruntime

    x = _check_digits(model, digits)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    want = model.predict(x, batch_size=CHECK_DIGITS, verbose=0)
    if got.shape != want.shape:
        raise RuntimeError(f"{Path(path).name}: onnxruntime gives shape {got.shape}, Keras {want.shape}")
    difference = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64))))
    if not difference <= TOLERANCE:
        raise RuntimeError(
            f"model {Path(path).stem}: its ONNX export differs from Keras by {difference:.2e} on {CHECK_DIGITS} test digits "
            f"(at most {TOLERANCE:g} allowed); the page would show other outputs than the book's tables"
        )
    return difference


def export(model, name: str, digits, folder=None) -> Exported:
    """Write ``model`` as ``<folder>/<model_key>.onnx`` (folder: :func:`onnx_dir`) and check it on 64 of ``digits``.

    ``digits``: test images (N >= 64, in [0, 1]) shaped as the model takes them, or (N, H, W). Returns an
    :class:`Exported`; an existing file of the same key is checked again, not rewritten.
    """
    start = time.perf_counter()
    x = _check_digits(model, digits)
    folder = cache.usable_dir(Path(folder) if folder is not None else onnx_dir())
    path = folder / f"{model_key(name, model)}.onnx"
    if not path.is_file():
        model.predict(x[:1], verbose=0)  # Keras exports only a model that has been called once
        with tempfile.TemporaryDirectory(dir=folder, prefix=".export-") as scratch:
            part = Path(scratch) / path.name
            _quiet_export(model, part)
            check(part, model, x)  # a file that fails is left in the scratch folder, which is removed
            os.replace(part, path)  # in place in one step: no reader sees half a file
    difference = check(path, model, x)
    return Exported(path, tuple(int(n) for n in model.input_shape[1:]), difference, time.perf_counter() - start)


def _quiet_export(model, path: Path) -> None:
    """``model.export(path, format="onnx")`` without the converter's start-up notices and warnings."""
    import logging
    import warnings

    quiet = [logging.getLogger(n) for n in ("tf2onnx", "absl", "tensorflow")]
    levels = [logger.level for logger in quiet]
    try:
        for logger in quiet:
            logger.setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.export(str(path), format="onnx", verbose=False)
    finally:
        for logger, level in zip(quiet, levels):
            logger.setLevel(level)
