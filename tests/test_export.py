"""dae.export: Keras models written as ONNX files and checked against Keras before a page may load them."""

from __future__ import annotations

import numpy as np
import pytest

from dae import export, models


def _digits(count: int = 64) -> np.ndarray:
    return (np.random.RandomState(0).randint(0, 256, size=(count, 28, 28)) / 255).astype(np.float32)


@pytest.fixture(scope="module")
def dense():
    import keras

    keras.utils.set_random_seed(1)
    _, _, model = models.dense_autoencoder(code_size=16, output_activation=None)
    return model


def test_export_writes_a_checked_file_named_by_its_key(dense, tmp_path):
    done = export.export(dense, "tiny-dense", _digits(), folder=tmp_path)
    assert done.path.parent == tmp_path and export.FILE_NAME.match(done.file_name), done.file_name
    assert done.file_name == export.model_key("tiny-dense", dense) + ".onnx"
    assert done.input_shape == (28, 28) and 0 <= done.max_difference <= export.TOLERANCE
    assert [p.name for p in tmp_path.iterdir()] == [done.file_name], "only the checked file is left in the folder"
    again = export.export(dense, "tiny-dense", _digits(), folder=tmp_path)
    assert again.path == done.path and again.max_difference == done.max_difference


def test_a_convolutional_model_takes_digits_without_their_channel(tmp_path):
    unet = models.unet_denoiser(filters=(4, 8), batch_norm=True)
    done = export.export(unet, "tiny-unet", _digits(), folder=tmp_path)
    assert done.input_shape == (28, 28, 1) and done.max_difference <= export.TOLERANCE


def test_the_key_follows_the_weights(dense):
    key = export.model_key("m", dense)
    assert key == export.model_key("m", dense) and key.startswith("m-") and len(key) == 2 + 16
    weights = dense.get_weights()
    try:
        dense.set_weights([w + 1e-3 for w in weights])
        assert export.model_key("m", dense) != key
    finally:
        dense.set_weights(weights)
    with pytest.raises(ValueError, match="name must be"):
        export.model_key("Not A Name", dense)


def test_a_file_that_differs_from_keras_stops_naming_the_model(dense, tmp_path):
    import keras

    done = export.export(dense, "tiny-dense", _digits(), folder=tmp_path)
    other = keras.models.clone_model(dense)  # same layers, other weights: not what the file computes
    other.set_weights([w + 0.01 for w in dense.get_weights()])
    with pytest.raises(RuntimeError, match=r"model tiny-dense-[0-9a-f]{16}: its ONNX export differs from Keras"):
        export.check(done.path, other, _digits())


def test_a_failed_check_leaves_no_file(dense, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "TOLERANCE", -1.0)  # no export can pass
    with pytest.raises(RuntimeError, match="model tiny-dense-"):
        export.export(dense, "tiny-dense", _digits(), folder=tmp_path)
    assert not list(tmp_path.rglob("*.onnx")), list(tmp_path.rglob("*"))


@pytest.mark.parametrize(
    ("digits", "message"),
    [(_digits(10), "at least 64"), (_digits()[:, :20], "shape"), (_digits() * 2, r"\[0, 1\]")],
)
def test_bad_digits_are_named(dense, tmp_path, digits, message):
    with pytest.raises(ValueError, match=message):
        export.export(dense, "tiny-dense", digits, folder=tmp_path)


def test_onnx_dir_is_inside_the_results_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("DAE_RESULTS_DIR", str(tmp_path))
    assert export.onnx_dir() == tmp_path / "onnx"
