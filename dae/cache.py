"""Trained models kept between the chapters of one build, in ``<results folder>/models``.

A chapter that needs a model trained elsewhere (the animal-sound chapter running the speech chapter's
model, a notebook executed a second time by the tests) asks :func:`cached_model` for it by name and
configuration. The first call trains it and saves it; later calls load it. The key hashes the
configuration, the source of the functions that make and train the model, the whole source file of every
module those functions come from and of every ``dae`` module those modules import (module constants such as
the STFT's window length included), and the versions of TensorFlow, Keras and NumPy, so changing any of them
trains a new model rather than loading a stale one.

Several processes may ask for the same model at once (notebooks executed in parallel): a lock file per key
makes the second wait while the first trains, then load what the first saved. Each file is written under a
name of its own and moved into place in one step, so no reader ever sees half a file, and a save that fails
leaves nothing behind.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import json
import math
import os
import re
import sys
import tempfile
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import results

MODELS_FOLDER = "models"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PACKAGE_DIR = Path(__file__).resolve().parent
# Modules that only store or show results: they never shape a model, so editing them keeps the cached models.
BOOKKEEPING = ("cache", "results")
# The libraries whose version changes what a trained model computes or how it is saved.
LIBRARIES = ("tensorflow", "keras", "numpy")


def cache_dir() -> Path:
    """The folder of cached models: ``models/`` inside :func:`dae.results.results_dir` (quick and full builds apart)."""
    return results.results_dir() / MODELS_FOLDER


def usable_dir(folder: Path) -> Path:
    """``folder``, created if need be, after checking that this process can write a file in it; else an OSError naming it."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise NotADirectoryError(f"{folder} is not a folder")
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as err:
        raise OSError(
            f"cannot keep trained models in {folder}: it is not a folder this process can write to ({err}); "
            f"set {results.RESULTS_ENV} to a writable folder"
        ) from err
    return folder


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


# --- what the key covers -----------------------------------------------------------------------


def _package_module(dotted: str) -> Path | None:
    # The file of dae module ``dotted`` ("dae.spectrogram", "dae.data"), or None outside the package.
    parts = dotted.split(".")
    if parts[0] != PACKAGE_DIR.name:
        return None
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    # "dae.data.fsdd" for a file of the package.
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, module: str) -> set[Path]:
    """The files of the dae modules that the file ``path`` (module ``module``) imports, anywhere in it."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level and module:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + is_package]
                base = ".".join(anchor + ([node.module] if node.module else []))
            elif node.level:  # a relative import outside the package names none of its modules
                continue
            else:
                base = node.module or ""
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]  # "from . import masks" names a module
        for name in names:
            target = _package_module(name)
            if target is not None:
                found.add(target)
    return found


def source_files(code: Sequence[Callable]) -> list[Path]:
    """The files whose whole source :func:`model_key` hashes for ``code``.

    The module file of each function or class in ``code``, and every module of this package that those files
    import (directly or through other package modules; parent packages' ``__init__.py`` too), except the
    bookkeeping modules ``BOOKKEEPING`` that only store results.
    """
    start = set()
    for item in code:
        module = inspect.getmodule(item)
        filename = getattr(module, "__file__", None)
        if filename is None:
            raise TypeError(f"code must list functions or classes defined in a source file, got {item!r}")
        start.add(Path(filename).resolve())
    skip = {_package_module(f"{PACKAGE_DIR.name}.{name}") for name in BOOKKEEPING}
    seen, todo = set(start), list(start)
    while todo:
        path = todo.pop()
        inside = path.is_relative_to(PACKAGE_DIR)
        module = _module_name(path) if inside else ""
        reached = _imported_modules(path, module)  # outside the package, only absolute imports of it count
        if inside:  # a module's parent packages run first when it is imported
            parent = path.parent
            while parent.is_relative_to(PACKAGE_DIR):
                reached.add(parent / "__init__.py")
                parent = parent.parent
        for target in reached - seen - skip:
            seen.add(target)
            todo.append(target)
    return sorted(seen, key=str)


def library_versions() -> dict[str, str | None]:
    """The installed versions of ``LIBRARIES`` (the imported module's, where it is imported), None where one is absent."""
    from importlib import metadata

    versions = {}
    for name in LIBRARIES:
        module = sys.modules.get(name)
        version = getattr(module, "__version__", None)
        if version is None:
            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = None
        versions[name] = str(version) if version is not None else None
    return versions


def model_key(name: str, config: Mapping, code: Sequence[Callable]) -> str:
    """``<name>-<16 hex digits>``: a hash of ``config``, the code of ``code`` and the library versions.

    The code is the source of each function in ``code`` and the whole text of :func:`source_files` (its module
    and the package modules it imports, constants included); the libraries are TensorFlow, Keras and NumPy.
    The files are named by their path inside the package, so a copy of the package elsewhere gives the same key.
    """
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
    files = {}
    for path in source_files(code):
        label = str(path.relative_to(PACKAGE_DIR.parent)) if path.is_relative_to(PACKAGE_DIR) else path.name
        files[label] = hashlib.sha256(path.read_bytes()).hexdigest()
    payload = json.dumps(
        {
            "config": _plain(config, "config"),
            "code": sources,
            "files": files,
            "versions": library_versions() | {"keras": keras.__version__, "keras backend": keras.backend.backend()},
        },
        sort_keys=True,
    )
    return f"{name}-{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


# --- the cache -----------------------------------------------------------------------------------


@dataclass
class CachedModel:
    """A model from :func:`cached_model`: ``info`` is what training recorded; ``loaded`` says whether it came from the cache."""

    model: object
    info: dict = field(default_factory=dict)
    loaded: bool = False
    path: Path | None = None


def _remove(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _save(model, record: dict, path: Path) -> None:
    """Write the model to ``path`` and ``record`` beside it (``.json``), each through a file of its own then moved into place.

    If anything fails, neither file is left: no partial file, and no model beside another model's record.
    """
    unique = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    partial_model = path.with_name(f".{path.stem}.{unique}.partial.keras")
    partial_record = path.with_name(f".{path.stem}.{unique}.partial.json")
    final_record = path.with_suffix(".json")
    try:
        model.save(partial_model)
        partial_record.write_text(json.dumps(record, indent=1))
        os.replace(partial_model, path)
        os.replace(partial_record, final_record)
    except BaseException:
        _remove(partial_model, partial_record, path, final_record)
        raise


def cached_model(name: str, config: Mapping, code: Sequence[Callable], train: Callable[[], tuple]) -> CachedModel:
    """Load the model saved under this name, configuration and code, or call ``train()`` and save what it returns.

    ``train`` returns ``(model, info)``: a Keras model and a JSON-ready dict (loss history, seconds). A file
    that cannot be read is reported and the model retrained; nothing stale is ever returned. The results
    folder is checked before anything trains; while one process trains a model, another asking for the same
    one waits, then loads it.
    """
    import keras
    from filelock import FileLock

    key = model_key(name, config, code)
    folder = usable_dir(cache_dir())
    path = folder / f"{key}.keras"
    record = path.with_suffix(".json")
    with FileLock(str(folder / f".{key}.lock")):
        if path.is_file() and record.is_file():
            try:
                model = keras.models.load_model(path, compile=False)
                info = json.loads(record.read_text())["info"]
                return CachedModel(model, info, True, path)
            except Exception as err:  # a foreign or damaged file: say so, then retrain
                warnings.warn(f"could not load the cached model {path}: {err}; training it again", stacklevel=2)
                _remove(path, record)
        trained = train()
        if not (isinstance(trained, tuple) and len(trained) == 2):
            raise TypeError(f"train() must return (model, info), got {type(trained).__name__}")
        model, info = trained
        info = _plain(info, "info")
        _save(model, {"name": name, "config": _plain(config, "config"), "info": info}, path)
    return CachedModel(model, info, False, path)
