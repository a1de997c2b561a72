"""MNIST's handwritten digits, exactly as ``keras.datasets.mnist.load_data()`` returns them: from a local mirror of
the four original IDX files, each checked against its official sha256, else from Keras' ``mnist.npz`` downloaded
through the package's verified download path.
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from . import _download
from ._download import DATA_DIR_ENV, CorruptDataError, DataUnavailableError, data_dir, sha256_bytes

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


def load_mnist(mirror_root: Path | str | None = None):
    """Return MNIST as ``keras.datasets.mnist.load_data()`` does: ``(x_train, y_train), (x_test, y_test)``.

    uint8 arrays of shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,). Tries the mirror in
    ``<mirror_root>/mnist`` (default ``$DAE_DATA_DIR``), then Keras' ``mnist.npz`` (cached in
    ``download_dir()/mnist``). A corrupt mirror file is an error, not a reason to fall back.
    """
    root = Path(mirror_root) if mirror_root is not None else data_dir()
    tried = []
    if root is not None:
        folder = root / "mnist"
        try:
            return load_mnist_mirror(folder)
        except FileNotFoundError as err:
            tried.append(f"local mirror {folder}: {err}")
            cached = _download.download_dir() / "mnist" / "mnist.npz"
            lacks = next((name for name in MNIST_IDX_SHA256 if not (folder / name).is_file() and not (folder / f"{name}.gz").is_file()), "")
            _download.say_mirror_lacks(
                folder,
                f"{lacks}(.gz)",
                f"reading Keras' mnist.npz downloaded earlier into {cached.parent}"
                if cached.is_file()
                else f"downloading Keras' mnist.npz from {KERAS_MNIST_URL} into {cached.parent}",
            )
    else:
        tried.append(f"local mirror: ${DATA_DIR_ENV} is not set")
    try:
        (x_train, y_train), (x_test, y_test) = _keras_mnist_download()
    except Exception as err:  # no network, blocked host, bad download: all end the same way
        tried.append(f"download {KERAS_MNIST_URL}: {type(err).__name__}: {err}")
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
        return _download.read_bytes(raw)
    if packed.is_file():
        compressed = _download.read_bytes(packed)  # a file it may not read: PermissionError, not "corrupt"
        try:
            return gzip.decompress(compressed)
        except (OSError, EOFError, zlib.error) as err:
            raise CorruptDataError(f"{packed}: cannot be decompressed ({err}); the file is truncated or corrupt") from err
    raise FileNotFoundError(f"neither {raw} nor {packed} exists")


def _keras_mnist_download():
    """Keras' ``mnist.npz`` (what ``keras.datasets.mnist.load_data()`` fetches), by the verified download into ``download_dir()/mnist``."""
    path = _download.download_file(KERAS_MNIST_URL, KERAS_MNIST_SHA256, _download.download_dir() / "mnist" / "mnist.npz")
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
