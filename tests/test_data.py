"""dae.data: the verified MNIST mirror, its error messages, the verified download fallback, the download folder and to_float_images."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

import dae.data._download
import dae.data.mnist
from dae.data import (
    KERAS_MNIST_URL,
    MNIST_IDX_SHA256,
    MNIST_SHAPES,
    CorruptDataError,
    DataUnavailableError,
    load_mnist,
    read_idx,
    to_float_images,
)

MNIST_FILES = tuple(MNIST_IDX_SHA256)  # the four IDX names, in the order load_mnist reads them


def _idx(shape, payload: bytes | None = None, dtype_code: int = 0x08) -> bytes:
    """An unsigned-byte IDX file of ``shape``; ``payload`` defaults to the right number of bytes."""
    header = bytes([0, 0, dtype_code, len(shape)]) + b"".join(int(d).to_bytes(4, "big") for d in shape)
    if payload is None:
        payload = bytes(i % 256 for i in range(int(np.prod(shape))))
    return header + payload


def _no_download():
    pytest.fail("load_mnist fell back to the Keras download although the mirror holds corrupt files")


def _offline():
    raise OSError("network is unreachable (test stand-in)")


def _mirror_with(tmp_path: Path, real_dir: Path, replace: dict[str, bytes]) -> Path:
    """A mirror root under tmp_path: ``replace`` maps file names to the bytes to write; the other
    original files are symlinked (never copied) from the real mirror."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in MNIST_FILES:
        gz = f"{name}.gz"
        if gz in replace or name in replace:
            continue
        (folder / gz).symlink_to(real_dir / gz)
    for filename, payload in replace.items():
        (folder / filename).write_bytes(payload)
    return tmp_path


# --- the real mirror ---------------------------------------------------------------------------


def test_load_mnist_from_mirror_has_official_shapes(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28)
    assert y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28)
    assert y_test.shape == (10000,)


def test_load_mnist_from_mirror_returns_uint8(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8


def test_load_mnist_labels_are_the_ten_digits(mnist):
    (_, y_train), (_, y_test) = mnist
    assert set(np.unique(y_train)) == set(range(10))
    assert set(np.unique(y_test)) == set(range(10))


def test_load_mnist_images_use_the_full_byte_range(mnist):
    (x_train, _), (x_test, _) = mnist
    assert x_train.min() == 0 and x_train.max() == 255
    assert x_test.min() == 0 and x_test.max() == 255


def test_load_mnist_reads_the_mirror_named_by_env_var(monkeypatch, mnist_root, mnist):
    monkeypatch.setenv("DAE_DATA_DIR", str(mnist_root))
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _no_download)
    (_, y_train), (_, y_test) = load_mnist()
    np.testing.assert_array_equal(y_train, mnist[0][1])
    np.testing.assert_array_equal(y_test, mnist[1][1])


def test_load_mnist_reads_a_raw_uncompressed_mirror(tmp_path, mnist_dir, mnist, monkeypatch):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in MNIST_FILES:
        (folder / name).write_bytes(gzip.decompress((mnist_dir / f"{name}.gz").read_bytes()))
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _no_download)
    (x_train, y_train), (x_test, y_test) = load_mnist(tmp_path)
    (ex_train, ey_train), (ex_test, ey_test) = mnist
    np.testing.assert_array_equal(x_train, ex_train)
    np.testing.assert_array_equal(y_train, ey_train)
    np.testing.assert_array_equal(x_test, ex_test)
    np.testing.assert_array_equal(y_test, ey_test)


# --- corrupt mirror files ----------------------------------------------------------------------


def test_truncated_gz_raises_corrupt_data_error_naming_the_file(tmp_path, mnist_dir, monkeypatch):
    name = "t10k-labels-idx1-ubyte.gz"
    whole = (mnist_dir / name).read_bytes()
    root = _mirror_with(tmp_path, mnist_dir, {name: whole[: len(whole) // 2]})
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _no_download)
    with pytest.raises(CorruptDataError) as info:
        load_mnist(root)
    assert str(root / "mnist" / name) in str(info.value)


def test_truncated_first_file_raises_before_reading_the_others(tmp_path, mnist_dir, monkeypatch):
    name = "train-images-idx3-ubyte.gz"
    folder = tmp_path / "mnist"
    folder.mkdir()
    with open(mnist_dir / name, "rb") as f:
        (folder / name).write_bytes(f.read(100_000))
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _no_download)
    with pytest.raises(CorruptDataError, match="train-images-idx3-ubyte.gz"):
        load_mnist(tmp_path)


def test_gz_with_a_damaged_byte_raises_corrupt_data_error(tmp_path, mnist_dir, monkeypatch):
    name = "train-labels-idx1-ubyte.gz"
    damaged = bytearray((mnist_dir / name).read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    root = _mirror_with(tmp_path, mnist_dir, {name: bytes(damaged)})
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _no_download)
    with pytest.raises(CorruptDataError, match="train-labels-idx1-ubyte"):
        load_mnist(root)


def test_gz_with_wrong_contents_raises_corrupt_data_error_about_sha256(tmp_path, mnist_dir, monkeypatch):
    name = "train-labels-idx1-ubyte"
    fake = gzip.compress(_idx((60000,)))  # a well-formed IDX file of the right shape, but not MNIST
    root = _mirror_with(tmp_path, mnist_dir, {f"{name}.gz": fake})
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _no_download)
    with pytest.raises(CorruptDataError) as info:
        load_mnist(root)
    message = str(info.value)
    assert "sha256" in message
    assert name in message


def test_raw_file_with_bad_header_raises_corrupt_data_error(tmp_path, monkeypatch):
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte").write_bytes(b"\x12\x34\x56\x78" + bytes(100))
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _no_download)
    with pytest.raises(CorruptDataError, match="train-images-idx3-ubyte"):
        load_mnist(tmp_path)


def test_corrupt_mirror_does_not_fall_back_to_download(tmp_path, monkeypatch):
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte.gz").write_bytes(b"this is not gzip data at all")
    monkeypatch.setenv("DAE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _no_download)
    with pytest.raises(CorruptDataError):
        load_mnist()


# --- no mirror and no network ------------------------------------------------------------------


def test_no_mirror_and_no_network_names_env_var_and_url(monkeypatch):
    monkeypatch.delenv("DAE_DATA_DIR", raising=False)
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _offline)
    with pytest.raises(DataUnavailableError) as info:
        load_mnist()
    message = str(info.value)
    assert "DAE_DATA_DIR" in message
    assert KERAS_MNIST_URL in message
    assert "OSError" in message


def test_empty_mirror_dir_and_no_network_names_mirror_path_and_url(tmp_path, monkeypatch):
    monkeypatch.setenv("DAE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _offline)
    with pytest.raises(DataUnavailableError) as info:
        load_mnist()
    message = str(info.value)
    assert str(tmp_path / "mnist") in message
    assert KERAS_MNIST_URL in message


def test_explicit_empty_mirror_root_and_no_network_names_mirror_path(tmp_path, monkeypatch):
    monkeypatch.delenv("DAE_DATA_DIR", raising=False)
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _offline)
    with pytest.raises(DataUnavailableError) as info:
        load_mnist(tmp_path)
    assert str(tmp_path / "mnist") in str(info.value)
    assert KERAS_MNIST_URL in str(info.value)


def test_missing_mirror_falls_back_to_download(tmp_path, monkeypatch):
    expected = tuple(np.zeros(shape, dtype=np.uint8) for shape in MNIST_SHAPES.values())
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", lambda: ((expected[0], expected[1]), (expected[2], expected[3])))
    (x_train, y_train), (x_test, y_test) = load_mnist(tmp_path)
    assert x_train is expected[0] and y_train is expected[1]
    assert x_test is expected[2] and y_test is expected[3]


def test_download_with_wrong_shapes_raises_corrupt_data_error(tmp_path, monkeypatch):
    small = np.zeros((10, 28, 28), dtype=np.uint8), np.zeros(10, dtype=np.uint8)
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", lambda: (small, small))
    with pytest.raises(CorruptDataError, match="mnist.npz"):
        load_mnist(tmp_path)


def test_mnist_download_goes_through_the_verified_download_path(tmp_path, monkeypatch):
    """Keras' mnist.npz is fetched once, checked against its sha256, cached, and read from the cache afterwards."""
    import io

    buffer = io.BytesIO()
    arrays = {key: np.zeros(shape, dtype=np.uint8) for key, shape in zip(("x_train", "y_train", "x_test", "y_test"), MNIST_SHAPES.values())}
    np.savez_compressed(buffer, **arrays)
    payload = buffer.getvalue()
    monkeypatch.setattr(dae.data.mnist, "KERAS_MNIST_SHA256", dae.data.sha256_bytes(payload))  # stands in for the published file
    monkeypatch.setenv("DAE_CACHE_DIR", str(tmp_path / "cache"))
    fetched = []
    monkeypatch.setattr(dae.data._download, "_fetch", lambda url: fetched.append(url) or payload)
    (x_train, _), (_, y_test) = load_mnist(tmp_path)
    assert fetched == [KERAS_MNIST_URL] and x_train.shape == (60000, 28, 28) and y_test.shape == (10000,)
    assert (tmp_path / "cache" / "mnist" / "mnist.npz").read_bytes() == payload
    monkeypatch.setattr(dae.data._download, "_fetch", _offline)
    load_mnist(tmp_path)  # from the cache now


def test_mnist_download_of_wrong_bytes_is_refused_and_not_saved(tmp_path, monkeypatch):
    monkeypatch.setenv("DAE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(dae.data._download, "_fetch", lambda url: b"<html>rate limited</html>")
    with pytest.raises(DataUnavailableError, match="downloaded sha256"):
        load_mnist(tmp_path)
    # Nothing saved: no mnist.npz, no partial file (only the lock that made other processes wait).
    assert [p.name for p in (tmp_path / "cache" / "mnist").iterdir()] == [".mnist.npz.lock"]


def test_a_gz_it_may_not_read_says_permission_denied_not_corrupt(tmp_path, mnist_dir, monkeypatch):
    name = "train-labels-idx1-ubyte.gz"
    root = _mirror_with(tmp_path, mnist_dir, {name: (mnist_dir / name).read_bytes()})
    locked = root / "mnist" / name
    real_read_bytes = Path.read_bytes

    def read_bytes(path):  # chmod 000 does not stop root, who runs the tests in containers
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", _no_download)
    with pytest.raises(PermissionError, match="permission denied") as info:
        load_mnist(root)
    assert str(locked) in str(info.value) and "corrupt" not in str(info.value)


def test_a_mirror_lacking_a_file_says_so_in_one_line(tmp_path, mnist_dir, monkeypatch, capsys):
    root = _mirror_with(tmp_path, mnist_dir, {})
    (root / "mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv("DAE_CACHE_DIR", str(tmp_path / "cache"))
    expected = tuple(np.zeros(shape, dtype=np.uint8) for shape in MNIST_SHAPES.values())
    monkeypatch.setattr(dae.data.mnist, "_keras_mnist_download", lambda: ((expected[0], expected[1]), (expected[2], expected[3])))
    load_mnist(root)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    assert "t10k-labels-idx1-ubyte" in lines[0] and str(root / "mnist") in lines[0] and "downloading" in lines[0]
    load_mnist(mnist_dir.parent)  # a whole mirror: nothing to say
    assert capsys.readouterr().out == ""


def test_download_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DAE_CACHE_DIR", str(tmp_path / "mine"))
    assert dae.data.download_dir() == tmp_path / "mine"
    monkeypatch.delenv("DAE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert dae.data.download_dir() == tmp_path / "xdg" / "dae"


def test_data_dir_is_none_when_env_var_unset_or_blank(monkeypatch):
    monkeypatch.delenv("DAE_DATA_DIR", raising=False)
    assert dae.data.data_dir() is None
    monkeypatch.setenv("DAE_DATA_DIR", "  ")
    assert dae.data.data_dir() is None


def test_data_dir_reads_env_var(monkeypatch, tmp_path):
    monkeypatch.setenv("DAE_DATA_DIR", str(tmp_path))
    assert dae.data.data_dir() == tmp_path


# --- read_idx ----------------------------------------------------------------------------------


def test_read_idx_parses_a_valid_file():
    array = read_idx(_idx((2, 3)))
    assert array.dtype == np.uint8
    assert array.shape == (2, 3)
    np.testing.assert_array_equal(array, np.arange(6).reshape(2, 3))


def test_read_idx_result_is_writable_copy():
    array = read_idx(_idx((4,)))
    array[0] = 99  # np.frombuffer alone would be read-only
    assert array[0] == 99


def test_read_idx_rejects_bad_magic_zero_bytes():
    with pytest.raises(CorruptDataError, match="magic"):
        read_idx(b"\x01\x00" + _idx((3,))[2:], "weird.idx")


def test_read_idx_rejects_non_byte_dtype_code():
    with pytest.raises(CorruptDataError, match="magic"):
        read_idx(_idx((3,), dtype_code=0x0D))


def test_read_idx_rejects_payload_shorter_than_magic():
    with pytest.raises(CorruptDataError, match="too short"):
        read_idx(b"\x00\x00", "tiny.idx")


def test_read_idx_rejects_header_that_ends_early():
    # declares 3 dimensions (12 bytes of sizes) but holds only one size
    with pytest.raises(CorruptDataError, match="ends early"):
        read_idx(b"\x00\x00\x08\x03" + (5).to_bytes(4, "big"))


def test_read_idx_rejects_zero_dimensions():
    with pytest.raises(CorruptDataError):
        read_idx(b"\x00\x00\x08\x00")


def test_read_idx_rejects_too_few_data_bytes():
    with pytest.raises(CorruptDataError, match="declares shape"):
        read_idx(_idx((2, 3))[:-1])


def test_read_idx_rejects_too_many_data_bytes():
    with pytest.raises(CorruptDataError, match="declares shape"):
        read_idx(_idx((2, 3)) + b"\x00")


def test_read_idx_rejects_header_whose_declared_size_overflows():
    # 65536**4 == 2**64 bytes: np.prod wraps the int64 product to 0, so a header-only file "matches"
    # its declared size; read_idx must still report a corrupt file, not crash in reshape.
    payload = b"\x00\x00\x08\x04" + (65536).to_bytes(4, "big") * 4
    with pytest.raises(CorruptDataError, match="huge.idx"):
        read_idx(payload, "huge.idx")


def test_read_idx_error_names_the_file():
    with pytest.raises(CorruptDataError, match="some/file.idx"):
        read_idx(_idx((2, 3))[:-2], "some/file.idx")


# --- to_float_images ---------------------------------------------------------------------------


def test_to_float_images_gives_float32_in_unit_range():
    raw = np.array([[[0, 128], [255, 1]]], dtype=np.uint8)
    out = to_float_images(raw)
    assert out.dtype == np.float32
    assert out.shape == (1, 2, 2)
    assert out.min() == 0.0 and out.max() == 1.0
    np.testing.assert_allclose(out, raw / 255.0, rtol=1e-6)


def test_to_float_images_on_mnist_stays_in_unit_range(mnist):
    out = to_float_images(mnist[1][0][:500])
    assert out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0


def test_to_float_images_channel_adds_last_axis():
    out = to_float_images(np.zeros((5, 28, 28), dtype=np.uint8), channel=True)
    assert out.shape == (5, 28, 28, 1)


def test_to_float_images_rejects_float_input():
    with pytest.raises(TypeError, match="uint8"):
        to_float_images(np.zeros((2, 28, 28), dtype=np.float32))


@pytest.mark.parametrize("shape", [(28, 28), (2, 28, 28, 1)])
def test_to_float_images_rejects_wrong_ndim(shape):
    with pytest.raises(ValueError, match="shape"):
        to_float_images(np.zeros(shape, dtype=np.uint8))
