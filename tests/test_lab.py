"""dae.lab: the block that runs a chapter's models in the page, and the files a built book needs for it.

The block's behaviour in a browser is tested in tests/test_browser.py; here, what Python writes: the data the
script reads, the checks embedded for the browser test, the controls and the one line shown while the lab is off,
and which ONNX files a build copies.
"""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from dae import export, lab, metrics, models, noise, train


def _digits(count: int = 64) -> np.ndarray:
    return (np.random.RandomState(0).randint(0, 256, size=(count, 28, 28)) / 255).astype(np.float32)


def _data(block: str) -> dict:
    (text,) = re.findall(r'<script type="application/json" id="dae-lab-[0-9a-f]+-data">(.*?)</script>', block, flags=re.S)
    return json.loads(text.replace("<\\/", "</"))


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    import keras

    keras.utils.set_random_seed(2)
    _, _, dense = models.dense_autoencoder(code_size=16, output_activation=None)
    unet = models.unet_denoiser(filters=(4, 8), batch_norm=True)
    folder = tmp_path_factory.mktemp("onnx")
    chosen = {"dense <model>": dense, "U-Net (σ = 0.2)": unet}
    trained_on = {"dense <model>": "gauss0.2", "U-Net (σ = 0.2)": "sp0.2"}
    block = lab.html(chosen, _digits()[..., None], trained_on=trained_on, table={"U-Net (σ = 0.2)": 12.5}, folder=folder)
    return block, _data(block), folder, chosen


def test_the_block_carries_digits_models_and_noises(made):
    block, data, folder, chosen = made
    assert data["count"] == lab.DIGITS
    pixels = np.frombuffer(base64.b64decode(data["digits"]), dtype=np.uint8).reshape(lab.DIGITS, 28, 28)
    assert np.array_equal(pixels, np.round(_digits()[: lab.DIGITS] * 255))
    assert [m["name"] for m in data["models"]] == list(chosen)
    assert all((folder / m["file"]).is_file() and export.FILE_NAME.match(m["file"]) for m in data["models"])
    assert [m["input_shape"] for m in data["models"]] == [[28, 28], [28, 28, 1]]
    assert [m["file"][:-22] for m in data["models"]] == ["dense-model", "u-net-0-2"], "file names: the shown names in ASCII, then the key"
    assert [(m["kind"], m["level"], m["table_psnr"]) for m in data["models"]] == [("gaussian", 0.2, None), ("sp", 0.2, 12.5)]
    assert [n["setting"] for n in data["noises"]] == list(lab.NOISES)
    assert data["runtime"] == lab.RUNTIME_FOLDER and data["folder"] == lab.MODELS_FOLDER
    assert "://" not in block, "the block may name no other host"


def test_the_embedded_check_is_keras_on_fixed_noise(made):
    _, data, _, chosen = made
    digits = _digits()[: lab.CHECKED]
    for model, (name, keras_model) in zip(data["models"], chosen.items()):
        noisy = np.frombuffer(base64.b64decode(data["check"]["noisy"][model["setting"]]), dtype="<f4").reshape(digits.shape)
        assert np.array_equal(noisy, noise.add_noise(digits, model["setting"], seed=0))
        shaped = noisy.reshape((len(digits), *model["input_shape"]))
        want = train.predict(keras_model, shaped).reshape(digits.shape)
        got = np.frombuffer(base64.b64decode(data["check"]["keras"][name]), dtype="<f4").reshape(digits.shape)
        assert np.array_equal(got, want)
        assert np.allclose(model["check_psnr"], metrics.psnr(digits, want))


def test_the_controls_are_labelled_and_the_lab_says_it_is_off_until_it_runs(made):
    block = made[0]
    assert lab.block.OFF_TEXT in block and 'role="status"' in block
    for control in ("digit", "noise", "level"):
        assert re.search(rf"<label>{control} <(select|input)[^>]+id=\"dae-lab-[0-9a-f]+-{control}\"", block), control
    assert ">new noise</button>" in block and ">clear drawing</button>" in block
    assert "dense &lt;model&gt;" in block and "dense <model>" not in block.split("<script")[0], "names are escaped in the markup"
    assert block.count(" hidden>") == 2, "controls and panels stay hidden until the script starts"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"models": {}}, "models is empty"),
        ({"trained_on": "gauss0.3"}, "trained_on must give each model"),
        ({"table": {"other": 1.0}}, "table names models"),
        ({"digits": _digits(20)}, "at least 64"),
        ({"digits": _digits() * 0.99}, "8-bit"),
        ({"digits": _digits().reshape(64, 784)}, r"\(N, 28, 28\)"),
    ],
)
def test_bad_input_is_named(options, message, tmp_path):
    _, _, dense = models.dense_autoencoder(code_size=8, output_activation=None)
    arguments = {"models": {"dense": dense}, "digits": _digits(), "folder": tmp_path} | options
    with pytest.raises(ValueError, match=message):
        lab.html(arguments.pop("models"), arguments.pop("digits"), **arguments)


def test_a_build_gets_exactly_the_models_its_pages_name(made, tmp_path):
    block, data, folder, _ = made
    site = tmp_path / "html"
    (site / "book").mkdir(parents=True)
    (site / "book" / "page.html").write_text(f"<html><body>{block}</body></html>")
    (site / "index.html").write_text("<html><body>no lab</body></html>")
    stale = site / lab.MODELS_FOLDER / "old-0123456789abcdef.onnx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    copies = lab.copy_models(site, folder)
    assert sorted(p.name for p in copies) == sorted(m["file"] for m in data["models"])
    assert sorted(p.name for p in (site / lab.MODELS_FOLDER).iterdir()) == sorted(m["file"] for m in data["models"])
    assert lab.named_models(site) == {m["file"]: ["book/page.html"] for m in data["models"]}
    with pytest.raises(FileNotFoundError, match=r"page book/page\.html runs the model .*\.onnx, which is not in"):
        lab.copy_models(site, tmp_path / "empty")


def test_the_static_files_are_read_and_no_other(made):
    assert "daeLab" in lab.static_text("lab.js") and "$uid" in lab.static_text("lab.css")
    with pytest.raises(ValueError, match="no lab file"):
        lab.static_text("other.js")
    assert lab.runtime_files() == ("ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm.gz")


def test_the_book_extension_wants_the_runtime_and_every_named_model(made, tmp_path):
    """_ext/offline_html.py: a build without ONNX Runtime Web stops at once; one whose page names a missing model stops."""
    import sys
    from pathlib import Path
    from types import SimpleNamespace

    from sphinx.errors import ConfigError, ExtensionError

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
    try:
        import offline_html
    finally:
        sys.path.pop(0)
    block, data, folder, _ = made
    app = SimpleNamespace(confdir=str(tmp_path), builder=SimpleNamespace(format="html"), outdir=str(tmp_path / "html"))
    (tmp_path / "vendor" / "onnxruntime").mkdir(parents=True)
    config = SimpleNamespace(html_static_path=["vendor"])
    with pytest.raises(ConfigError, match="vendor_onnxruntime.sh"):
        offline_html.check_runtime(app, config)
    for name in lab.runtime_files():
        (tmp_path / "vendor" / "onnxruntime" / name).write_bytes(b"x")
    offline_html.check_runtime(app, config)
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "page.html").write_text(block)
    with pytest.raises(ExtensionError, match="page page.html runs the model"):
        offline_html.copy_lab_models(app, None)
    offline_html.copy_lab_models(app, RuntimeError("an earlier failure"))  # nothing more to say after a failed build


def test_the_benchmark_reports_the_lab_beside_inference():
    """python -m dae.bench: each chapter's lab timed (ms per update) in the row of the lab's first model."""
    from dae import bench
    from dae.bench import lab as bench_lab

    about = {"quick": False, "device": "CPU", "cpus": 2, "python": "3.11", "keras": "3", "tensorflow": "2", "written": "now"}
    row = {"model": "ch02-dense", "samples": 10, "chapter_batch": 32, "chapter_epoch_s": 1.0, "inference_per_s": 900.0}
    row |= {"inference_unit": "images", "peak_rss_mb": 100.0, "target_psnr": None, "chapter_epochs": 1, "chapter_psnr": 20.0}
    page = bench.markdown([row | {"lab_update_ms": 12.34}], about)
    assert "lab in the page: ms per update |" in page and "| 900 images/s | 100 | 12.3 |" in page
    assert "| 900 images/s | 100 |  |" in bench.markdown([row], about), "a lab not timed leaves its cell empty"
    assert set(bench_lab.LABS) <= set(bench.MODELS) and all(set(shown) <= set(bench.MODELS) for shown in bench_lab.LABS.values())
