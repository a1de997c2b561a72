"""The book's data, real data only: MNIST (:mod:`.mnist`), the Free Spoken Digit Dataset (:mod:`.fsdd`), the ESC-50
cat and dog clips (:mod:`.esc50`) and the project's own spoken clips (:mod:`.clips`), each read from a verified local
mirror first, else fetched by the one verified download path (:mod:`._download`); a loader that cannot get the real
data raises :class:`DataUnavailableError` naming every place it tried, a file that is present but corrupt raises
:class:`CorruptDataError` naming it, and nothing is ever replaced by other data."""

from ._download import (
    CACHE_ENV,
    DATA_DIR_ENV,
    DOWNLOAD_TIMEOUT_S,
    CorruptDataError,
    DataError,
    DataUnavailableError,
    data_dir,
    download_dir,
    read_manifest,
    read_wav,
    sha256_bytes,
)
from .clips import CLIPS_FOLDER, clip_names, clip_path
from .esc50 import (
    ESC50_COMMIT,
    ESC50_MANIFEST,
    ESC50_METADATA,
    ESC50_RAW_URL,
    ESC50_REPOSITORY,
    ESC50_SAMPLE_RATE,
    Clip,
    esc50_catdog_metadata,
    load_esc50_catdog,
)
from .fsdd import (
    FSDD_COMMIT,
    FSDD_MANIFEST,
    FSDD_SAMPLE_RATE,
    FSDD_SPEAKERS,
    FSDD_TEST_SPEAKERS,
    FSDD_URL,
    FSDD_VERSION,
    Recording,
    fsdd_split,
    load_fsdd,
)
from .mnist import KERAS_MNIST_SHA256, KERAS_MNIST_URL, MNIST_IDX_SHA256, MNIST_SHAPES, load_mnist, load_mnist_mirror, read_idx, to_float_images

__all__ = [
    "CACHE_ENV",
    "CLIPS_FOLDER",
    "DATA_DIR_ENV",
    "DOWNLOAD_TIMEOUT_S",
    "ESC50_COMMIT",
    "ESC50_MANIFEST",
    "ESC50_METADATA",
    "ESC50_RAW_URL",
    "ESC50_REPOSITORY",
    "ESC50_SAMPLE_RATE",
    "FSDD_COMMIT",
    "FSDD_MANIFEST",
    "FSDD_SAMPLE_RATE",
    "FSDD_SPEAKERS",
    "FSDD_TEST_SPEAKERS",
    "FSDD_URL",
    "FSDD_VERSION",
    "KERAS_MNIST_SHA256",
    "KERAS_MNIST_URL",
    "MNIST_IDX_SHA256",
    "MNIST_SHAPES",
    "Clip",
    "CorruptDataError",
    "DataError",
    "DataUnavailableError",
    "Recording",
    "clip_names",
    "clip_path",
    "data_dir",
    "download_dir",
    "esc50_catdog_metadata",
    "fsdd_split",
    "load_esc50_catdog",
    "load_fsdd",
    "load_mnist",
    "load_mnist_mirror",
    "read_idx",
    "read_manifest",
    "read_wav",
    "sha256_bytes",
    "to_float_images",
]
