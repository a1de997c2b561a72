"""The one way data reaches the package: a verified local mirror (``$DAE_DATA_DIR``), else the download cache, else
a download from a pinned address; every file is held to a pinned sha256 (a manifest in ``dae/manifests/``, or the
publisher's), written to the cache atomically, and never kept or returned unverified. A lock file beside each cached
file or folder lets one process download it while others wait, then read what it saved."""

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


def download_lock(target: Path):
    """A lock (``filelock.FileLock``) for downloading ``target``, a file or folder of the download cache.

    Held around "check the cache, else download and save", it makes a second process wait for the first's
    download instead of fetching the same bytes again (or replacing a folder the first is still filling).
    """
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(target.parent / f".{target.name}.lock"))


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path``; a file that exists but cannot be read raises PermissionError saying so and naming it."""
    try:
        return path.read_bytes()
    except PermissionError as err:
        raise PermissionError(f"{path} exists but this process may not read it (permission denied); fix its permissions") from err


def say_mirror_lacks(mirror: Path, missing: str, source: str) -> None:
    """Print one line: the local mirror lacks ``missing`` (a file or folder in it), so ``source`` is used instead."""
    print(f"the local mirror {mirror} lacks {missing}: {source}", flush=True)


def _fetch(url: str) -> bytes:
    """The bytes at ``url`` (one attempt; the caller turns failures into DataUnavailableError)."""
    import urllib.request

    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
        return response.read()


def download_file(url: str, expected: str, target: Path) -> Path:
    """``target`` if it already holds the bytes of sha256 ``expected``; else the bytes at ``url``, checked, then saved there at once.

    A download that differs raises CorruptDataError and saves nothing; a failed download raises what the network raised.
    While one process downloads ``target``, another asking for it waits, then finds it saved.
    """
    if target.is_file() and sha256_bytes(read_bytes(target)) == expected:
        return target
    with download_lock(target):
        if target.is_file() and sha256_bytes(read_bytes(target)) == expected:
            return target  # another process downloaded it while this one waited
        payload = _fetch(url)
        actual = sha256_bytes(payload)
        if actual != expected:
            raise CorruptDataError(f"{url}: downloaded sha256 is {actual}, expected {expected}; not saved")
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            partial.write_bytes(payload)
            os.replace(partial, target)  # all at once: an interrupted download leaves no half-written file
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
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
        payload = read_bytes(folder / name)
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
    tried, lacking = [], None
    if mirror is not None:
        try:
            return read_verified(mirror, manifest)
        except FileNotFoundError as err:
            tried.append(f"local mirror: {err}")
            lacking = _first_missing(mirror, manifest)
    else:
        tried.append(f"local mirror: ${DATA_DIR_ENV} is not set")
    try:
        payloads = read_verified(cache, manifest)
        if lacking is not None:
            say_mirror_lacks(*lacking, f"reading the copy downloaded earlier into {cache}")
        return payloads
    except FileNotFoundError:
        pass  # not downloaded yet (or partly): download below
    if lacking is not None:
        say_mirror_lacks(*lacking, f"downloading {title} from {urls} into {cache}")
    try:
        with download_lock(cache):  # one process downloads; another waits, then reads what it saved
            try:
                return read_verified(cache, manifest)
            except FileNotFoundError:
                download(cache)
            return read_verified(cache, manifest)
    except CorruptDataError:
        raise  # the download arrived but is not the pinned data: say so, not "unavailable"
    except Exception as err:  # no network, blocked host, HTTP error, bad archive: all end the same way
        tried.append(f"download {urls}: {type(err).__name__}: {err}")
        raise DataUnavailableError(f"{title} could not be loaded. Tried:\n  - " + "\n  - ".join(tried) + f"\n{hint}") from err


def _first_missing(mirror: Path, manifest: dict[str, str]) -> tuple[Path, str]:
    # (folder, name) of the first thing the mirror lacks: the folder itself, or its first missing file.
    if not mirror.is_dir():
        return mirror.parent, mirror.name + "/"
    return mirror, next((name for name in manifest if not (mirror / name).is_file()), "")


def _wav_shortfall(payload: bytes) -> str | None:
    """Why a RIFF/WAVE file is cut short (its data chunk declares more bytes than follow), or None if it is whole."""
    if len(payload) < 12 or payload[:4] != b"RIFF" or payload[8:12] != b"WAVE":
        return None  # not a plain WAV: left to libsndfile
    position = 12
    while position + 8 <= len(payload):
        chunk, size = payload[position : position + 4], int.from_bytes(payload[position + 4 : position + 8], "little")
        body = position + 8
        if chunk == b"data":
            if size in (0, 0xFFFFFFFF):  # written by a stream that never went back to fill in the size
                return None
            if body + size > len(payload):
                return f"its data chunk declares {size:,} bytes but only {len(payload) - body:,} follow: the file is truncated"
            return None
        position = body + size + (size % 2)  # chunks are padded to an even length
    return "it has no data chunk before the file ends: the file is truncated"


def decode_wav(payload: bytes, name: str) -> tuple[np.ndarray, int]:
    """Verified WAV bytes -> (float32 mono audio in [-1, 1], sample rate); CorruptDataError naming ``name`` if unreadable or truncated."""
    import io

    import soundfile as sf

    shortfall = _wav_shortfall(payload)
    if shortfall is not None:  # libsndfile would quietly return the samples that are there
        raise CorruptDataError(f"{name}: not a whole WAV file ({shortfall})")
    try:
        audio, rate = sf.read(io.BytesIO(payload), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError) as err:
        raise CorruptDataError(f"{name}: not a readable WAV file ({err})") from err
    # Every file of the audio data sets is mono; averaging keeps the loader honest if one is not.
    return np.ascontiguousarray(audio.mean(axis=1, dtype=np.float32)), int(rate)


def read_wav(path: Path | str) -> tuple[np.ndarray, int]:
    """A WAV file -> (float32 mono audio in [-1, 1], sample rate); CorruptDataError naming the file if it is unreadable or truncated."""
    path = Path(path)
    return decode_wav(read_bytes(path), str(path))
