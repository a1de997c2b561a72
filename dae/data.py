"""Data loaders. Real data only: a verified local mirror first, then the official download.

A loader that cannot get the real data raises :class:`DataUnavailableError` naming every place
it tried; a file that is present but corrupt raises :class:`CorruptDataError` naming the file.
Nothing is ever replaced by other data.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATA_DIR_ENV = "DAE_DATA_DIR"

# Official sha256 of the *decompressed* IDX files (yann.lecun.com/exdb/mnist).
MNIST_IDX_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MNIST_SHAPES = {
    "train-images-idx3-ubyte": (60000, 28, 28),
    "train-labels-idx1-ubyte": (60000,),
    "t10k-images-idx3-ubyte": (10000, 28, 28),
    "t10k-labels-idx1-ubyte": (10000,),
}
# What keras.datasets.mnist.load_data() downloads, and its published sha256.
KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


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


def sha256_bytes(payload: bytes) -> str:
    """Hex sha256 of a bytes object."""
    return hashlib.sha256(payload).hexdigest()


def read_idx(payload: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse an IDX file (bytes) into a uint8 array; raise CorruptDataError naming ``name`` if malformed."""
    if len(payload) < 4:
        raise CorruptDataError(f"{name}: only {len(payload)} bytes, too short for an IDX header")
    zero, dtype_code, ndim = payload[0] << 8 | payload[1], payload[2], payload[3]
    if zero != 0 or dtype_code != 0x08:
        raise CorruptDataError(f"{name}: not an unsigned-byte IDX file (magic bytes {payload[:4].hex()})")
    header = 4 + 4 * ndim
    if ndim == 0 or len(payload) < header:
        raise CorruptDataError(f"{name}: IDX header declares {ndim} dimensions but the file ends early")
    shape = tuple(int.from_bytes(payload[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header + math.prod(shape)  # Python ints: a forged header cannot overflow
    if len(payload) != expected:
        raise CorruptDataError(f"{name}: IDX header declares shape {shape} ({expected} bytes) but the file has {len(payload)} bytes")
    return np.frombuffer(payload, dtype=np.uint8, offset=header).reshape(shape).copy()


def _read_mirror_file(folder: Path, name: str) -> bytes:
    """Bytes of ``name`` (raw) or ``name.gz`` (decompressed) in ``folder``; errors name the file."""
    raw, packed = folder / name, folder / f"{name}.gz"
    if raw.is_file():
        return raw.read_bytes()
    if packed.is_file():
        try:
            return gzip.decompress(packed.read_bytes())
        except (OSError, EOFError, zlib.error) as err:
            raise CorruptDataError(f"{packed}: cannot be decompressed ({err}); the file is truncated or corrupt") from err
    raise FileNotFoundError(f"neither {raw} nor {packed} exists")


def load_mnist_mirror(folder: Path | str) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST from a folder of the four original IDX files (raw or .gz), each sha256-checked."""
    folder = Path(folder)
    arrays = {}
    for name, expected_sha in MNIST_IDX_SHA256.items():
        payload = _read_mirror_file(folder, name)
        actual_sha = sha256_bytes(payload)
        if actual_sha != expected_sha:
            raise CorruptDataError(
                f"{folder / name}(.gz): sha256 of the decompressed data is {actual_sha}, expected the official "
                f"{expected_sha}; the file is corrupt or not the original MNIST"
            )
        arrays[name] = read_idx(payload, str(folder / name))
        if arrays[name].shape != MNIST_SHAPES[name]:  # cannot happen with a matching hash; kept as a guard
            raise CorruptDataError(f"{folder / name}: shape {arrays[name].shape}, expected {MNIST_SHAPES[name]}")
    return (
        (arrays["train-images-idx3-ubyte"], arrays["train-labels-idx1-ubyte"]),
        (arrays["t10k-images-idx3-ubyte"], arrays["t10k-labels-idx1-ubyte"]),
    )


def _keras_mnist_download():
    """Keras' own MNIST download (cached in ~/.keras/datasets, checked against its sha256)."""
    import keras

    path = keras.utils.get_file("mnist.npz", origin=KERAS_MNIST_URL, file_hash=KERAS_MNIST_SHA256)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def load_mnist(mirror_root: Path | str | None = None):
    """Return MNIST as ``keras.datasets.mnist.load_data()`` does: ``(x_train, y_train), (x_test, y_test)``.

    uint8 arrays of shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,). Tries the mirror in
    ``<mirror_root>/mnist`` (default ``$DAE_DATA_DIR``), then Keras' download. A corrupt mirror file is an
    error, not a reason to fall back.
    """
    root = Path(mirror_root) if mirror_root is not None else data_dir()
    tried = []
    if root is not None:
        folder = root / "mnist"
        try:
            return load_mnist_mirror(folder)
        except FileNotFoundError as err:
            tried.append(f"local mirror {folder}: {err}")
    else:
        tried.append(f"local mirror: ${DATA_DIR_ENV} is not set")
    try:
        (x_train, y_train), (x_test, y_test) = _keras_mnist_download()
    except Exception as err:  # no network, blocked host, bad cache: all end the same way
        tried.append(f"Keras download {KERAS_MNIST_URL}: {type(err).__name__}: {err}")
        raise DataUnavailableError(
            "MNIST could not be loaded. Tried:\n  - "
            + "\n  - ".join(tried)
            + f"\nPoint ${DATA_DIR_ENV} at a folder whose mnist/ holds the four original IDX files, or connect to the internet."
        ) from err
    for array, shape in zip((x_train, y_train, x_test, y_test), MNIST_SHAPES.values()):
        if array.shape != shape or array.dtype != np.uint8:
            raise CorruptDataError(f"Keras' mnist.npz holds an array of shape {array.shape} {array.dtype}, expected {shape} uint8")
    return (x_train, y_train), (x_test, y_test)


def to_float_images(images: np.ndarray, channel: bool = False) -> np.ndarray:
    """uint8 images (N, H, W) in 0..255 -> float32 in [0, 1]; ``channel=True`` adds a last axis of 1."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError(f"expected uint8 images in 0..255, got dtype {images.dtype}")
    if images.ndim != 3:
        raise ValueError(f"expected a batch of shape (N, H, W), got shape {images.shape}")
    out = images.astype(np.float32) / 255.0
    return out[..., None] if channel else out


# --- audio data sets: shared helpers -----------------------------------------------------------
# The audio loaders check every file against a sha256 manifest committed in dae/manifests/, so a
# mirror, a cache and a fresh download are all held to the same bytes.

CACHE_ENV = "DAE_CACHE_DIR"
DOWNLOAD_TIMEOUT_S = 60


def cache_dir() -> Path:
    """Where downloads are kept: ``$DAE_CACHE_DIR``, else ``$XDG_CACHE_HOME/dae``, else ``~/.cache/dae``."""
    raw = os.environ.get(CACHE_ENV, "").strip()
    if raw:
        return Path(raw).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "dae"


def read_manifest(name: str) -> dict[str, str]:
    """The committed manifest ``dae/manifests/<name>`` (lines ``sha256  file``) as {file: sha256}."""
    from importlib.resources import files

    text = (files("dae") / "manifests" / name).read_text()
    manifest = {}
    for number, line in enumerate(text.splitlines(), 1):
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


def _read_verified(folder: Path, manifest: dict[str, str]) -> dict[str, bytes]:
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


def _decode_wav(payload: bytes, name: str) -> tuple[np.ndarray, int]:
    """WAV bytes -> (float32 mono audio in [-1, 1], sample rate); CorruptDataError naming ``name`` if unreadable."""
    import io

    import soundfile as sf

    try:
        audio, rate = sf.read(io.BytesIO(payload), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError) as err:
        raise CorruptDataError(f"{name}: not a readable WAV file ({err})") from err
    # Every file of both data sets is mono; averaging keeps the loader honest if one is not.
    return np.ascontiguousarray(audio.mean(axis=1, dtype=np.float32)), int(rate)


def _load_audio_set(title: str, mirror: Path | None, cache: Path, manifest: dict[str, str], download, urls: str, hint: str) -> dict[str, bytes]:
    """Verified bytes from the mirror folder, else the download cache, else ``download(cache)``."""
    tried = []
    if mirror is not None:
        try:
            return _read_verified(mirror, manifest)
        except FileNotFoundError as err:
            tried.append(f"local mirror: {err}")
    else:
        tried.append(f"local mirror: ${DATA_DIR_ENV} is not set")
    try:
        return _read_verified(cache, manifest)
    except FileNotFoundError:
        pass  # not downloaded yet (or partly): download below
    try:
        download(cache)
        return _read_verified(cache, manifest)
    except CorruptDataError:
        raise  # the download arrived but is not the pinned data: say so, not "unavailable"
    except Exception as err:  # no network, blocked host, HTTP error, bad archive: all end the same way
        tried.append(f"download {urls}: {type(err).__name__}: {err}")
        raise DataUnavailableError(f"{title} could not be loaded. Tried:\n  - " + "\n  - ".join(tried) + f"\n{hint}") from err


# --- Free Spoken Digit Dataset -----------------------------------------------------------------

FSDD_VERSION = "v1.0.10"
FSDD_COMMIT = "d6938f9bf1545aa66d8489fc9f1385a7abd64282"  # the commit tag v1.0.10 points to
FSDD_URL = "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.10.zip"
FSDD_MANIFEST = "fsdd_v1.0.10.sha256"
FSDD_SAMPLE_RATE = 8000
FSDD_SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
# All six speakers are men (speakers.json), so the held-out pair cannot differ by gender. It differs by
# accent and by loudness instead: lucas (German, -24 dBFS) and theo (USA, -33 dBFS) are tested, while
# yweweler (German, -38 dBFS), jackson (USA, -21 dBFS), george (Greek) and nicolas (Belgian French)
# train, so the test speakers' accents and levels both lie inside what training covers.
FSDD_TEST_SPEAKERS = ("lucas", "theo")


@dataclass(frozen=True, eq=False)
class Recording:
    """One FSDD recording: ``audio`` is float32 mono in [-1, 1] at ``sample_rate`` (8000) Hz."""

    digit: int
    speaker: str
    index: int
    audio: np.ndarray = field(repr=False)
    sample_rate: int

    @property
    def name(self) -> str:
        """The file name, ``{digit}_{speaker}_{index}.wav``."""
        return f"{self.digit}_{self.speaker}_{self.index}.wav"

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.audio) / self.sample_rate


def _download_fsdd(cache: Path) -> None:
    """Download the pinned FSDD archive and extract its recordings/*.wav into ``cache``."""
    import io
    import shutil
    import tempfile
    import zipfile

    payload = _fetch(FSDD_URL)
    # GitHub builds tag archives on the fly, so the zip's own hash is not stable; every extracted
    # file is checked against the manifest instead, before anything is saved.
    manifest = read_manifest(FSDD_MANIFEST)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache.parent) as tmp, zipfile.ZipFile(io.BytesIO(payload)) as archive:
        staging = Path(tmp) / "recordings"
        staging.mkdir()
        for member in archive.namelist():
            parts = member.split("/")
            if len(parts) == 3 and parts[1] == "recordings" and parts[2] in manifest:
                data = archive.read(member)
                actual = sha256_bytes(data)
                if actual != manifest[parts[2]]:
                    raise CorruptDataError(f"{FSDD_URL}: {member} has sha256 {actual}, expected {manifest[parts[2]]}; nothing was saved")
                (staging / parts[2]).write_bytes(data)
        found = len(list(staging.iterdir()))
        if found != len(manifest):
            raise FileNotFoundError(f"the archive holds {found} of the {len(manifest)} recordings of {FSDD_VERSION}; nothing was saved")
        if cache.exists():
            shutil.rmtree(cache)
        staging.rename(cache)  # all at once: an interrupted download leaves no half-filled cache


def load_fsdd(mirror_root: Path | str | None = None) -> list[Recording]:
    """Every recording of FSDD v1.0.10 (3000: 6 speakers x 10 digits x 50 takes), sorted by file name.

    Reads ``<mirror_root>/fsdd/recordings`` (default ``$DAE_DATA_DIR``), else the download cache
    (``cache_dir()/fsdd-v1.0.10``), else downloads ``FSDD_URL`` into it. Every file must match the committed
    sha256 manifest. ``pandas.DataFrame(recordings)`` gives a table with one row per recording.
    """
    root = Path(mirror_root) if mirror_root is not None else data_dir()
    payloads = _load_audio_set(
        f"The Free Spoken Digit Dataset {FSDD_VERSION}",
        None if root is None else root / "fsdd" / "recordings",
        cache_dir() / f"fsdd-{FSDD_VERSION}",
        read_manifest(FSDD_MANIFEST),
        _download_fsdd,
        FSDD_URL,
        f"Point ${DATA_DIR_ENV} at a folder whose fsdd/recordings/ holds the {FSDD_VERSION} wav files, or connect to the internet.",
    )
    recordings = []
    for name in sorted(payloads):
        digit, speaker, index = name[: -len(".wav")].split("_")
        audio, rate = _decode_wav(payloads[name], name)
        if rate != FSDD_SAMPLE_RATE:  # cannot happen with a matching hash; kept as a guard
            raise CorruptDataError(f"{name}: sample rate {rate} Hz, expected {FSDD_SAMPLE_RATE}")
        recordings.append(Recording(int(digit), speaker, int(index), audio, rate))
    return recordings


def fsdd_split(recordings, test_speakers=FSDD_TEST_SPEAKERS) -> tuple[list[Recording], list[Recording]]:
    """Split recordings by speaker: (train, test), ``test`` holding every recording of ``test_speakers``."""
    if isinstance(test_speakers, str):
        raise TypeError(f"test_speakers must be a sequence of names, got the string {test_speakers!r}; write ({test_speakers!r},)")
    test_speakers = tuple(test_speakers)
    present = sorted({r.speaker for r in recordings})
    unknown = [s for s in test_speakers if s not in present]
    if not test_speakers or unknown:
        raise ValueError(f"test_speakers must be some of the speakers present {present}, got {test_speakers!r}")
    if set(test_speakers) == set(present):
        raise ValueError(f"test_speakers {test_speakers!r} are all the speakers: nothing would be left to train on")
    train = [r for r in recordings if r.speaker not in test_speakers]
    test = [r for r in recordings if r.speaker in test_speakers]
    return train, test


def join_utterances(
    recordings,
    speaker: str,
    count: int,
    seed: int,
    min_seconds: float = 2.0,
    max_seconds: float = 5.0,
    pause: tuple[float, float] = (0.1, 0.3),
) -> tuple[list[np.ndarray], list[str]]:
    """``count`` "phone numbers" by one speaker: random digits joined by silences, each min..max seconds long.

    Returns (float32 audio arrays, digit strings such as ``"40917"``). The same arguments always give the
    same utterances: the draws depend only on ``seed`` and on the speaker's recordings, not on their order.
    """
    if not isinstance(count, (int, np.integer)) or isinstance(count, bool) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if not (np.isfinite(min_seconds) and np.isfinite(max_seconds) and 0 < min_seconds < max_seconds):
        raise ValueError(f"need 0 < min_seconds < max_seconds (finite), got {min_seconds!r} and {max_seconds!r}")
    low, high = pause
    if not (np.isfinite(low) and np.isfinite(high) and 0 <= low <= high):
        raise ValueError(f"pause must be (low, high) seconds with 0 <= low <= high, got {pause!r}")
    pool = sorted((r for r in recordings if r.speaker == speaker), key=lambda r: (r.digit, r.index))
    if not pool:
        raise ValueError(f"no recordings of speaker {speaker!r}; speakers present: {sorted({r.speaker for r in recordings})}")
    rates = {r.sample_rate for r in pool}
    if len(rates) != 1:
        raise ValueError(f"recordings of {speaker!r} have different sample rates {sorted(rates)}")
    rate = rates.pop()
    min_len, max_len = round(min_seconds * rate), round(max_seconds * rate)
    rng = np.random.default_rng(seed)
    audios, digits = [], []
    for _ in range(count):
        target = rng.integers(min_len, max_len + 1)
        pieces, text, length = [], "", 0
        rejected = 0
        while length < target:
            rec = pool[rng.integers(len(pool))]
            gap = round(rng.uniform(low, high) * rate) if pieces else 0
            if length + gap + len(rec.audio) > max_len:
                if length >= min_len:
                    break  # long enough already: stop rather than run past max_seconds
                rejected += 1
                if rejected > 1000:
                    raise ValueError(
                        f"cannot reach {min_seconds} s without passing {max_seconds} s with {speaker!r}'s recordings "
                        f"(up to {max(len(r.audio) for r in pool) / rate:.2f} s) and pauses up to {high} s; widen the range"
                    )
                continue
            if gap:
                pieces.append(np.zeros(gap, dtype=np.float32))
            pieces.append(rec.audio)
            text += str(rec.digit)
            length += gap + len(rec.audio)
        audios.append(np.concatenate(pieces).astype(np.float32, copy=False))
        digits.append(text)
    return audios, digits


# --- ESC-50: the cat and dog clips -------------------------------------------------------------

ESC50_REPOSITORY = "https://github.com/karolpiczak/ESC-50"
# A commit of the repository's master branch; audio/ has not changed since v2.0.0 (2017-12-13), and the
# manifest, not the commit, is what guarantees the bytes.
ESC50_COMMIT = "f2fd956acf66ebd9ac7e2110711aa78dd684d042"
ESC50_RAW_URL = "https://raw.githubusercontent.com/karolpiczak/ESC-50/{commit}/audio/{file}"
ESC50_MANIFEST = "esc50_catdog.sha256"
ESC50_METADATA = "esc50_catdog.csv"
ESC50_SAMPLE_RATE = 44100


@dataclass(frozen=True, eq=False)
class Clip:
    """One ESC-50 clip: ``audio`` float32 mono in [-1, 1] at ``sample_rate`` (44100) Hz, 5 s, with its credits."""

    file: str
    label: str
    title: str
    author: str
    licence: str
    freesound_url: str
    audio: np.ndarray = field(repr=False)
    sample_rate: int

    @property
    def credit(self) -> str:
        """An attribution line: title, author, licence and source."""
        return f'"{self.title}" by {self.author} ({self.licence}), {self.freesound_url}, clip {self.file} of ESC-50'


def esc50_catdog_metadata() -> list[dict[str, str]]:
    """The committed metadata of the 16 clips (file, label, title, author, licence, freesound_url, esc10, fold)."""
    import csv
    from importlib.resources import files

    text = (files("dae") / "manifests" / ESC50_METADATA).read_text()
    return list(csv.DictReader(text.splitlines()))


def _download_esc50_catdog(cache: Path) -> None:
    """Download each clip of the manifest from the pinned commit into ``cache``, checking each on arrival."""
    cache.mkdir(parents=True, exist_ok=True)
    for name, expected in read_manifest(ESC50_MANIFEST).items():
        target = cache / name
        if target.is_file() and sha256_bytes(target.read_bytes()) == expected:
            continue
        url = ESC50_RAW_URL.format(commit=ESC50_COMMIT, file=name)
        payload = _fetch(url)
        actual = sha256_bytes(payload)
        if actual != expected:
            raise CorruptDataError(f"{url}: downloaded sha256 is {actual}, expected {expected}; not saved")
        partial = target.with_suffix(".part")
        partial.write_bytes(payload)
        partial.replace(target)


def load_esc50_catdog(mirror_root: Path | str | None = None) -> list[Clip]:
    """The 16 ESC-50 cat and dog clips (8 cat, 8 dog, fold 4), sorted by file name, with label and credits.

    Reads ``<mirror_root>/esc50-catdog/audio`` (default ``$DAE_DATA_DIR``), else the download cache
    (``cache_dir()/esc50-catdog``), else downloads each file from the pinned ESC-50 commit. Every file must
    match the committed sha256 manifest.
    """
    root = Path(mirror_root) if mirror_root is not None else data_dir()
    payloads = _load_audio_set(
        "The ESC-50 cat and dog clips",
        None if root is None else root / "esc50-catdog" / "audio",
        cache_dir() / "esc50-catdog",
        read_manifest(ESC50_MANIFEST),
        _download_esc50_catdog,
        ESC50_RAW_URL.format(commit=ESC50_COMMIT, file="<file>"),
        f"Point ${DATA_DIR_ENV} at a folder whose esc50-catdog/audio/ holds the 16 clips, or connect to the internet.",
    )
    metadata = {row["file"]: row for row in esc50_catdog_metadata()}
    if set(metadata) != set(payloads):
        raise CorruptDataError(f"dae/manifests/{ESC50_METADATA} and {ESC50_MANIFEST} list different files")
    clips = []
    for name in sorted(payloads):
        audio, rate = _decode_wav(payloads[name], name)
        row = metadata[name]
        clips.append(Clip(name, row["label"], row["title"], row["author"], row["licence"], row["freesound_url"], audio, rate))
    return clips
