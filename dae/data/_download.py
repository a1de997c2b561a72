"""The one way data reaches the package: a verified local mirror (``$DAE_DATA_DIR``), else the download cache, else
a download from a pinned address; every file is held to a pinned sha256 (a manifest in ``dae/manifests/``, or the
publisher's), written to the cache atomically, and never kept or returned unverified."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

DATA_DIR_ENV = "DAE_DATA_DIR"  # the local mirror
CACHE_ENV = "DAE_CACHE_DIR"  # where downloads are kept
DOWNLOAD_TIMEOUT_S = 60


class DataError(RuntimeError):
    """Base class for data problems."""


class CorruptDataError(DataError):
    """A data file exists but is truncated, malformed or fails its checksum."""


class DataUnavailableError(DataError):
    """The real data could be found neither in a local mirror nor by download."""


def data_dir() -> Path | None:
    """The local mirror folder from ``$DAE_DATA_DIR``, or None when it is unset or empty."""
    raw = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(raw).expanduser() if raw else None


def download_dir() -> Path:
    """Where downloads are kept: ``$DAE_CACHE_DIR``, else ``$XDG_CACHE_HOME/dae``, else ``~/.cache/dae``."""
    raw = os.environ.get(CACHE_ENV, "").strip()
    if raw:
        return Path(raw).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "dae"


def sha256_bytes(payload: bytes) -> str:
    """Hex sha256 of a bytes object."""
    return hashlib.sha256(payload).hexdigest()


def packaged_text(name: str) -> str:
    """The text of ``dae/manifests/<name>``, a file shipped with the package."""
    from importlib.resources import files

    return (files("dae") / "manifests" / name).read_text()


def read_manifest(name: str) -> dict[str, str]:
    """The committed manifest ``dae/manifests/<name>`` (lines ``sha256  file``) as {file: sha256}."""
    manifest = {}
    for number, line in enumerate(packaged_text(name).splitlines(), 1):
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) != 64:
            raise CorruptDataError(f"dae/manifests/{name} line {number}: expected 'sha256  file', got {line!r}")
        manifest[parts[1]] = parts[0]
    return manifest


def _fetch(url: str) -> bytes:
    """The bytes at ``url`` (one attempt; the caller turns failures into DataUnavailableError)."""
    import urllib.request

    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
        return response.read()


def download_file(url: str, expected: str, target: Path) -> Path:
    """``target`` if it already holds the bytes of sha256 ``expected``; else the bytes at ``url``, checked, then saved there at once.

    A download that differs raises CorruptDataError and saves nothing; a failed download raises what the network raised.
    """
    if target.is_file() and sha256_bytes(target.read_bytes()) == expected:
        return target
    payload = _fetch(url)
    actual = sha256_bytes(payload)
    if actual != expected:
        raise CorruptDataError(f"{url}: downloaded sha256 is {actual}, expected {expected}; not saved")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(payload)
    partial.replace(target)  # all at once: an interrupted download leaves no half-written file
    return target


def read_verified(folder: Path, manifest: dict[str, str]) -> dict[str, bytes]:
    """Bytes of every file of ``manifest`` in ``folder``, each sha256-checked.

    Raises FileNotFoundError (naming what is missing) when the folder lacks files, so the caller can
    try elsewhere, and CorruptDataError naming the file when one is present but differs.
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} does not exist")
    missing = [name for name in manifest if not (folder / name).is_file()]
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise FileNotFoundError(f"{folder} lacks {len(missing)} of the {len(manifest)} files ({shown})")
    payloads = {}
    for name, expected in manifest.items():
        payload = (folder / name).read_bytes()
        actual = sha256_bytes(payload)
        if actual != expected:
            raise CorruptDataError(
                f"{folder / name}: sha256 is {actual}, expected {expected}; the file is corrupt or not the "
                "pinned version. Replace it (or delete the folder if it is the download cache)."
            )
        payloads[name] = payload
    return payloads


def load_verified(title: str, mirror: Path | None, cache: Path, manifest: dict[str, str], download, urls: str, hint: str) -> dict[str, bytes]:
    """Verified bytes of every file of ``manifest``: from the mirror folder, else the download cache, else ``download(cache)``."""
    tried = []
    if mirror is not None:
        try:
            return read_verified(mirror, manifest)
        except FileNotFoundError as err:
            tried.append(f"local mirror: {err}")
    else:
        tried.append(f"local mirror: ${DATA_DIR_ENV} is not set")
    try:
        return read_verified(cache, manifest)
    except FileNotFoundError:
        pass  # not downloaded yet (or partly): download below
    try:
        download(cache)
        return read_verified(cache, manifest)
    except CorruptDataError:
        raise  # the download arrived but is not the pinned data: say so, not "unavailable"
    except Exception as err:  # no network, blocked host, HTTP error, bad archive: all end the same way
        tried.append(f"download {urls}: {type(err).__name__}: {err}")
        raise DataUnavailableError(f"{title} could not be loaded. Tried:\n  - " + "\n  - ".join(tried) + f"\n{hint}") from err


def decode_wav(payload: bytes, name: str) -> tuple[np.ndarray, int]:
    """Verified WAV bytes -> (float32 mono audio in [-1, 1], sample rate); CorruptDataError naming ``name`` if unreadable."""
    import io

    import soundfile as sf

    try:
        audio, rate = sf.read(io.BytesIO(payload), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError) as err:
        raise CorruptDataError(f"{name}: not a readable WAV file ({err})") from err
    # Every file of the audio data sets is mono; averaging keeps the loader honest if one is not.
    return np.ascontiguousarray(audio.mean(axis=1, dtype=np.float32)), int(rate)
