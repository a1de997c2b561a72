"""dae.settings: DAE_QUICK, seeding, and the quick/full choices a chapter makes."""

from __future__ import annotations

import random

import numpy as np
import pytest

from dae.settings import Settings, device_name, quick_from_env, seed_everything, seed_from_env, setup

# --- quick_from_env ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_quick_from_env_true_values(monkeypatch, raw):
    monkeypatch.setenv("DAE_QUICK", raw)
    assert quick_from_env() is True


@pytest.mark.parametrize("raw", ["0", "", "false", "No", "off"])
def test_quick_from_env_false_values(monkeypatch, raw):
    monkeypatch.setenv("DAE_QUICK", raw)
    assert quick_from_env() is False


def test_quick_from_env_unset_means_full(monkeypatch):
    monkeypatch.delenv("DAE_QUICK", raising=False)
    assert quick_from_env() is False


@pytest.mark.parametrize("raw", ["2", "quick", "yes please"])
def test_quick_from_env_garbage_raises_value_error(monkeypatch, raw):
    monkeypatch.setenv("DAE_QUICK", raw)
    with pytest.raises(ValueError, match="DAE_QUICK"):
        quick_from_env()


# --- seeding -----------------------------------------------------------------------------------


def test_setup_seeds_numpy_so_draws_repeat(monkeypatch):
    monkeypatch.delenv("DAE_QUICK", raising=False)
    monkeypatch.delenv("DAE_SEED", raising=False)
    setup(seed=5)
    assert np.random.rand() == np.random.RandomState(5).rand()  # NumPy's global stream, started from seed 5


def test_setup_seeds_python_random(monkeypatch):
    monkeypatch.delenv("DAE_SEED", raising=False)
    setup(seed=8, quick=True)
    assert random.random() == random.Random(8).random()  # Python's global stream, started from seed 8


def test_setup_seeds_keras():
    import keras

    setup(seed=9, quick=True)
    first = keras.ops.convert_to_numpy(keras.random.uniform((3,)))
    setup(seed=9, quick=True)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(keras.random.uniform((3,))), first)


def test_different_seeds_give_different_draws():
    setup(seed=1, quick=True)
    a = np.random.rand()
    setup(seed=2, quick=True)
    assert np.random.rand() != a


def test_setup_reads_quick_from_env(monkeypatch):
    monkeypatch.setenv("DAE_QUICK", "1")
    assert setup(seed=0).quick is True
    monkeypatch.setenv("DAE_QUICK", "0")
    assert setup(seed=0).quick is False


def test_setup_explicit_quick_overrides_env(monkeypatch):
    monkeypatch.setenv("DAE_QUICK", "garbage")  # would raise if it were read
    assert setup(seed=0, quick=True).quick is True
    assert setup(seed=0, quick=False).quick is False


def test_setup_records_seed_and_device():
    import tensorflow as tf

    s = setup(seed=3, quick=True)
    assert s.seed == 3
    # Asked of TensorFlow directly: 'CPU' without a GPU, 'GPU (<its name>)' with one.
    if tf.config.list_physical_devices("GPU"):
        assert s.device.startswith("GPU (") and s.device.endswith(")") and len(s.device) > len("GPU ()")
    else:
        assert s.device == "CPU"
    assert device_name() == s.device


def test_training_seed_from_env_replaces_the_chapters_seed(monkeypatch):
    monkeypatch.setenv("DAE_SEED", "7")
    s = setup(seed=0, quick=True)
    assert s.seed == 7 and "seed 7" in s.describe()
    first = np.random.rand()
    setup(seed=7, quick=True)
    assert np.random.rand() == first  # DAE_SEED=7 seeds exactly as seed=7 does


@pytest.mark.parametrize("raw", ["", "  "])
def test_training_seed_unset_or_empty_keeps_the_default(monkeypatch, raw):
    monkeypatch.setenv("DAE_SEED", raw)
    assert seed_from_env(4) == 4
    monkeypatch.delenv("DAE_SEED")
    assert seed_from_env(4) == 4


@pytest.mark.parametrize("raw", ["-1", "1.5", "one"])
def test_training_seed_garbage_raises_value_error(monkeypatch, raw):
    monkeypatch.setenv("DAE_SEED", raw)
    with pytest.raises(ValueError, match="DAE_SEED"):
        setup(seed=0, quick=True)


def test_setup_turns_on_deterministic_kernels():
    from tensorflow.python.framework import config  # the public API can turn it on, not read it

    setup(seed=0, quick=True)
    assert config.is_op_determinism_enabled()


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_seed_everything_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed"):
        seed_everything(seed)


# --- choose and subset -------------------------------------------------------------------------


def test_choose_in_quick_mode(settings_quick):
    assert settings_quick.choose(full=50, quick=2) == 2


def test_choose_at_full_settings(settings_full):
    assert settings_full.choose(full=50, quick=2) == 50


def test_subset_in_quick_mode_takes_the_first_items(settings_quick):
    x, y = np.arange(10), np.arange(10) * 2
    sx, sy = settings_quick.subset(x, y, quick=3)
    np.testing.assert_array_equal(sx, [0, 1, 2])
    np.testing.assert_array_equal(sy, [0, 2, 4])


def test_subset_at_full_settings_returns_arrays_unchanged(settings_full):
    x, y = np.arange(10), np.arange(10) * 2
    sx, sy = settings_full.subset(x, y, quick=3)
    assert sx is x and sy is y


def test_subset_of_one_array_returns_the_array_not_a_tuple(settings_quick, settings_full):
    x = np.arange(10)
    np.testing.assert_array_equal(settings_quick.subset(x, quick=4), [0, 1, 2, 3])
    assert settings_full.subset(x, quick=4) is x


def test_subset_quick_larger_than_arrays_keeps_everything(settings_quick):
    np.testing.assert_array_equal(settings_quick.subset(np.arange(3), quick=100), [0, 1, 2])


def test_subset_without_arrays_raises(settings_quick):
    with pytest.raises(ValueError, match="at least one array"):
        settings_quick.subset(quick=3)


@pytest.mark.parametrize("settings_fixture", ["settings_quick", "settings_full"])
def test_subset_of_different_lengths_raises(request, settings_fixture):
    s = request.getfixturevalue(settings_fixture)
    with pytest.raises(ValueError, match="same length"):
        s.subset(np.arange(4), np.arange(5), quick=2)


@pytest.mark.parametrize("quick", [0, -1])
def test_subset_non_positive_quick_raises(settings_quick, quick):
    with pytest.raises(ValueError, match="positive"):
        settings_quick.subset(np.arange(4), quick=quick)


# --- describe ----------------------------------------------------------------------------------


def test_describe_mentions_quick_mode(settings_quick):
    text = settings_quick.describe()
    assert "quick mode" in text
    assert "DAE_QUICK=1" in text
    assert "fewer epochs than the text describes" in text  # the prose is written for full settings
    assert "seed 0" in text and "CPU" in text


def test_describe_at_full_settings(settings_full):
    text = settings_full.describe()
    assert "full settings" in text
    assert "quick" not in text


def test_describe_on_a_gpu_says_how_it_computes(settings_full):
    assert "XLA" not in settings_full.describe()  # Keras compiles with XLA by default on a GPU only
    gpu = Settings(quick=False, seed=0, device="GPU (NVIDIA T4)")
    assert gpu.describe() == "full settings, seed 0, training on GPU (NVIDIA T4), XLA-compiled, in float32"


def test_settings_is_frozen(settings_quick):
    with pytest.raises(AttributeError):
        settings_quick.quick = False


def test_setup_drops_only_tensorflows_retracing_note(caplog):
    import logging

    from dae.settings import setup

    setup(seed=0)
    setup(seed=0)  # installing twice keeps one filter
    logger = logging.getLogger("tensorflow")
    assert sum(type(f).__name__ == "_RetracingFilter" for f in logger.filters) == 1
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        logger.warning("5 out of the last 28 calls to <function f> triggered tf.function retracing. Tracing is expensive")
        logger.warning("a real warning")
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["a real warning"]
