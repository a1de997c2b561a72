"""dae.cache and dae.speech: a model is trained once per configuration and code, then loaded; the speech recipe's pieces."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dae import cache, data, speech
from dae import settings as settings_module


@pytest.fixture()
def results_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DAE_RESULTS_DIR", str(tmp_path))
    return tmp_path


def tiny_model(seed: int = 0):
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(3,))
    return keras.Model(inputs, keras.layers.Dense(2, name="out")(inputs))


def make_trainer(calls: list, seed: int = 0):
    def train():
        calls.append(1)
        return tiny_model(seed), {"loss": [np.float32(0.5), 0.25], "seconds": np.float64(1.5)}

    return train


def test_trains_once_then_loads_the_same_weights(results_dir):
    calls = []
    first = cache.cached_model("tiny", {"epochs": 2}, [tiny_model], make_trainer(calls))
    assert not first.loaded and calls == [1]
    assert first.path.parent == results_dir / "models" and first.path.is_file()
    assert first.info == {"loss": [0.5, 0.25], "seconds": 1.5}
    again = cache.cached_model("tiny", {"epochs": 2}, [tiny_model], make_trainer(calls, seed=1))
    assert again.loaded and calls == [1]
    assert again.info == first.info
    x = np.ones((4, 3), dtype=np.float32)
    np.testing.assert_allclose(again.model.predict(x, verbose=0), first.model.predict(x, verbose=0), rtol=1e-6)
    record = json.loads(first.path.with_suffix(".json").read_text())
    assert record["name"] == "tiny" and record["config"] == {"epochs": 2}


def test_other_settings_or_other_code_train_a_new_model(results_dir):
    calls = []
    cache.cached_model("tiny", {"epochs": 2}, [tiny_model], make_trainer(calls))
    cache.cached_model("tiny", {"epochs": 3}, [tiny_model], make_trainer(calls))
    cache.cached_model("tiny", {"epochs": 2}, [tiny_model, make_trainer], make_trainer(calls))
    assert calls == [1, 1, 1]
    assert len(list((results_dir / "models").glob("tiny-*.keras"))) == 3


def test_key_is_stable_and_depends_on_everything_it_names():
    key = cache.model_key("m", {"a": 1, "b": [1, 2]}, [tiny_model])
    assert key == cache.model_key("m", {"b": [1, 2], "a": 1}, [tiny_model])
    assert key.startswith("m-") and len(key) == len("m-") + 16
    assert key != cache.model_key("m", {"a": 2, "b": [1, 2]}, [tiny_model])
    assert key != cache.model_key("m", {"a": 1, "b": [1, 2]}, [make_trainer])
    assert key != cache.model_key("n", {"a": 1, "b": [1, 2]}, [tiny_model])


def test_an_unreadable_file_is_reported_and_retrained(results_dir):
    calls = []
    first = cache.cached_model("tiny", {}, [tiny_model], make_trainer(calls))
    first.path.write_bytes(b"not a keras file")
    with pytest.warns(UserWarning, match="could not load the cached model"):
        again = cache.cached_model("tiny", {}, [tiny_model], make_trainer(calls))
    assert not again.loaded and calls == [1, 1]


def test_bad_arguments_are_named(results_dir):
    with pytest.raises(ValueError, match="name must be"):
        cache.model_key("Bad Name", {}, [tiny_model])
    with pytest.raises(TypeError, match="config must be a mapping"):
        cache.model_key("m", [1], [tiny_model])
    with pytest.raises(TypeError, match="source can be read"):
        cache.model_key("m", {}, [len])
    with pytest.raises(ValueError, match="only finite numbers"):
        cache.cached_model("m", {}, [tiny_model], lambda: (tiny_model(), {"loss": float("nan")}))
    with pytest.raises(TypeError, match=r"must return \(model, info\)"):
        cache.cached_model("m", {}, [tiny_model], lambda: tiny_model())


def test_key_covers_the_whole_module_and_the_library_versions(monkeypatch):
    files = cache.source_files(speech.recipe_code())
    names = {f"{p.parent.name}/{p.name}" for p in files}
    # The modules of the recipe's functions and the package modules they import; not the bookkeeping ones.
    assert {"dae/speech.py", "dae/spectrogram.py", "dae/masks.py", "dae/sound.py", "dae/models.py", "dae/_checks.py"} <= names
    assert not names & {"dae/cache.py", "dae/results.py"}
    key = cache.model_key("m", {}, [tiny_model])
    versions = cache.library_versions()
    assert set(versions) == {"tensorflow", "keras", "numpy"} and all(versions.values())
    monkeypatch.setattr(cache, "library_versions", lambda: versions | {"numpy": "0.0.1"})
    assert cache.model_key("m", {}, [tiny_model]) != key


def test_an_unusable_results_folder_fails_before_training(tmp_path, monkeypatch):
    calls = []
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DAE_RESULTS_DIR", str(blocker))
    with pytest.raises(OSError, match="cannot keep trained models in .*DAE_RESULTS_DIR"):
        cache.cached_model("tiny", {}, [tiny_model], make_trainer(calls))
    assert calls == []


def test_a_failed_save_leaves_nothing_behind(results_dir):
    class Unsaveable:
        def save(self, path):
            Path(path).write_bytes(b"half a model")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        cache.cached_model("tiny", {}, [tiny_model], lambda: (Unsaveable(), {"loss": [0.5]}))
    assert [p.name for p in (results_dir / "models").iterdir() if not p.name.endswith(".lock")] == []
    calls = []
    again = cache.cached_model("tiny", {}, [tiny_model], make_trainer(calls))
    assert not again.loaded and calls == [1]


def fake_recordings(speakers=("ann", "bob", "cy"), per_speaker=6):
    rng = np.random.default_rng(0)
    return [
        data.Recording(digit, speaker, 0, (0.1 * rng.standard_normal(2400)).astype(np.float32), 8000)
        for speaker in speakers
        for digit in range(per_speaker)
    ]


def test_training_set_pools_hold_only_the_other_speakers():
    recordings = fake_recordings()
    utterances, pools = speech.training_set(recordings, per_speaker=2)
    assert len(utterances) == len(pools) == 6
    assert all(2.0 <= len(u) / 8000 <= 5.0 for u in utterances)
    by_speaker = {s: [r.audio for r in recordings if r.speaker == s] for s in ("ann", "bob", "cy")}
    for k, pool in enumerate(pools):
        speaker = ("ann", "bob", "cy")[k // 2]
        assert not any(any(p is a for a in by_speaker[speaker]) for p in pool)
        assert len(pool) == 3  # a quarter of the other two speakers' 12 recordings
    again, _ = speech.training_set(recordings, per_speaker=2)
    assert all(np.array_equal(a, b) for a, b in zip(utterances, again))
    with pytest.raises(ValueError, match="empty"):
        speech.training_set([], per_speaker=2)


def test_recipe_follows_quick_mode_and_the_model_trains(results_dir):
    quick = settings_module.Settings(quick=True, seed=0, device="CPU")
    full = settings_module.Settings(quick=False, seed=0, device="CPU")
    assert speech.recipe(quick)["epochs"] < speech.recipe(full)["epochs"]
    assert speech.recipe(quick)["train_per_speaker"] < speech.recipe(full)["train_per_speaker"]
    utterances, pools = speech.training_set(fake_recordings(), per_speaker=1)
    x, y = __import__("dae").masks.training_patches(utterances, pools, 8, seed=0)
    _, _, model = speech.new_mask_model(x)
    lines = []
    record = speech.train_mask_model(model, utterances, pools, epochs=2, width=8, first=(x, y), log=lines.append)
    assert len(record["loss"]) == len(record["epoch_seconds"]) == 2 and len(lines) == 2
    assert all(np.isfinite(record["loss"]))
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        speech.train_mask_model(model, utterances, pools, epochs=0)
    with pytest.raises(ValueError, match="first_features must have shape"):
        speech.new_mask_model(np.zeros((2, 10, 8)))


def test_energy_weights_follow_the_noisy_energy_and_average_one():
    from dae import spectrogram

    magnitudes = np.array([[[1.0, 2.0], [0.5, 0.0]]], dtype=np.float32)  # one patch: 2 bins x 2 frames
    weights = speech.energy_weights(spectrogram.normalise(magnitudes))
    assert weights.shape == magnitudes.shape and weights.dtype == np.float32
    assert weights.mean() == pytest.approx(1.0, rel=1e-5)
    assert weights[0, 0, 1] == pytest.approx(4 * weights[0, 0, 0], rel=1e-3)  # twice the magnitude, four times the energy
    assert weights[0, 1, 1] < 1e-6  # silence weighs (almost) nothing
    with pytest.raises(ValueError, match="patches of shape"):
        speech.energy_weights(np.zeros((129, 8)))


def test_weighted_loss_counts_loud_bins_more():
    import keras

    target = np.zeros((1, 2, 1, 2), dtype=np.float32)
    target[0, :, 0, 1] = [3.0, 1.0]  # weights 3 and 1; target masks 0
    loud_error = np.array([[[0.5], [0.0]]], dtype=np.float32)
    quiet_error = np.array([[[0.0], [0.5]]], dtype=np.float32)
    loud = float(keras.ops.convert_to_numpy(speech.weighted_mask_loss(target, loud_error))[0])
    quiet = float(keras.ops.convert_to_numpy(speech.weighted_mask_loss(target, quiet_error))[0])
    assert loud == pytest.approx(3 * quiet) and quiet == pytest.approx(0.25 / 2)


def test_weighted_training_runs_and_rejects_a_bad_flag(results_dir):
    utterances, pools = speech.training_set(fake_recordings(), per_speaker=1)
    x, y = __import__("dae").masks.training_patches(utterances, pools, 8, seed=0)
    _, _, model = speech.new_mask_model(x)
    record = speech.train_mask_model(model, utterances, pools, epochs=1, width=8, first=(x, y), weighted=True, log=None)
    assert np.isfinite(record["loss"][0])
    with pytest.raises(ValueError, match="weighted must be True or False"):
        speech.train_mask_model(model, utterances, pools, epochs=1, weighted="yes")


def test_chapter_1s_deep_2d_autoencoder_is_trained_once_and_shared(results_dir):
    from dae import models

    quick = settings_module.Settings(quick=True, seed=0, device="CPU")
    digits = np.random.default_rng(0).uniform(0, 1, (64, 28, 28)).astype(np.float32)
    lines = []
    first = models.trained_deep_2d_autoencoder(quick, digits, log=lines.append)
    again = models.trained_deep_2d_autoencoder(quick, digits, log=lines.append)  # as Chapter 7 asks for it
    assert not first.loaded and again.loaded and first.path == again.path and len(lines) == 1
    assert first.info["epochs"] == 5 and first.model.get_layer("encoder").output.shape[-1] == 2
    np.testing.assert_allclose(again.model.predict(digits[:4], verbose=0), first.model.predict(digits[:4], verbose=0), atol=1e-6)
    with pytest.raises(ValueError, match="without a channel axis"):
        models.trained_deep_2d_autoencoder(quick, digits[..., None])
