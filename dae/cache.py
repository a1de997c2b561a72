"""Trained models kept between the chapters of one build, in ``<results folder>/models``.

A chapter that needs a model trained elsewhere (the animal-sound chapter running the speech chapter's
model, a notebook executed a second time by the tests) asks :func:`cached_model` for it by name and
configuration. The first call trains it and saves it; later calls load it. The key hashes the
configuration, the source code of the functions that make and train the model, and the Keras version,
so changing any of them trains a new model rather than loading a stale one.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import results

MODELS_FOLDER = "models"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def cache_dir() -> Path:
    """The folder of cached models: ``models/`` inside :func:`dae.results.results_dir` (quick and full builds apart)."""
    return results.results_dir() / MODELS_FOLDER


def _plain(value, where: str):
    # JSON-ready copies of configurations and training records; NumPy numbers become Python ones.
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (str, bool)) or value is None:
        return value
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} is {value}: only finite numbers can be recorded")
        return value
    raise TypeError(f"{where} is a {type(value).__name__}; use numbers, strings, booleans, lists or dicts")


def model_key(name: str, config: Mapping, code: Sequence[Callable]) -> str:
    """``<name>-<16 hex digits>``: a hash of ``config``, the source of each function in ``code`` and the Keras version."""
    import keras

    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name must be lower-case letters, digits, '-' or '_', got {name!r}")
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a mapping of settings, got {type(config).__name__}")
    sources = []
    for item in code:
        try:
            sources.append(inspect.getsource(item))
        except (TypeError, OSError) as err:
            raise TypeError(f"code must list functions or classes whose source can be read, got {item!r}") from err
    payload = json.dumps({"config": _plain(config, "config"), "code": sources, "keras": keras.__version__}, sort_keys=True)
    return f"{name}-{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


@dataclass
class CachedModel:
    """A model from :func:`cached_model`: ``info`` is what training recorded; ``loaded`` says whether it came from the cache."""

    model: object
    info: dict = field(default_factory=dict)
    loaded: bool = False
    path: Path | None = None


def cached_model(name: str, config: Mapping, code: Sequence[Callable], train: Callable[[], tuple]) -> CachedModel:
    """Load the model saved under this name, configuration and code, or call ``train()`` and save what it returns.

    ``train`` returns ``(model, info)``: a Keras model and a JSON-ready dict (loss history, seconds). A file
    that cannot be read is reported and the model retrained; nothing stale is ever returned.
    """
    import keras

    key = model_key(name, config, code)
    path = cache_dir() / f"{key}.keras"
    record = path.with_suffix(".json")
    if path.is_file() and record.is_file():
        try:
            model = keras.models.load_model(path, compile=False)
            info = json.loads(record.read_text())["info"]
            return CachedModel(model, info, True, path)
        except Exception as err:  # a half-written or foreign file: say so, then retrain
            warnings.warn(f"could not load the cached model {path}: {err}; training it again", stacklevel=2)
    trained = train()
    if not (isinstance(trained, tuple) and len(trained) == 2):
        raise TypeError(f"train() must return (model, info), got {type(trained).__name__}")
    model, info = trained
    info = _plain(info, "info")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.partial.keras")
    model.save(partial)
    partial.replace(path)
    record.write_text(json.dumps({"name": name, "config": _plain(config, "config"), "info": info}, indent=1))
    return CachedModel(model, info, False, path)
