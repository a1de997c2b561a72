"""dae._checks: the shared input guards accept what they should, convert it, and name the argument when they refuse."""

from __future__ import annotations

import numpy as np
import pytest

from dae import _checks


@pytest.mark.parametrize("value", [1, 7, np.int64(3)])
def test_positive_int_accepts_whole_numbers_and_returns_an_int(value):
    out = _checks.check_positive_int(value, "epochs")
    assert out == value and type(out) is int


@pytest.mark.parametrize("value", [0, -2, 1.0, True, "3", None])
def test_positive_int_names_the_argument_and_what_it_got(value):
    with pytest.raises(ValueError, match=rf"^epochs must be a positive integer, got {value!r}$"):
        _checks.check_positive_int(value, "epochs")
    with pytest.raises(ValueError, match=r"^n must be a positive int \(frames\), got"):
        _checks.check_positive_int(value, "n", "a positive int (frames)")


def test_flags_seeds_and_counts():
    assert _checks.check_flag(False, "weighted") is False
    with pytest.raises(ValueError, match="weighted must be True or False, got 1"):
        _checks.check_flag(1, "weighted")
    assert _checks.check_non_negative_int(np.int32(0), "seed") == 0
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        _checks.check_non_negative_int(-1, "seed")
    with pytest.raises(ValueError, match="sigma must be a finite number >= 0"):
        _checks.check_non_negative(float("nan"), "sigma")


def test_random_generators_are_reproducible_and_passed_through():
    assert _checks.rng(3).integers(1000) == np.random.default_rng(3).integers(1000)
    stream = np.random.default_rng(0)
    assert _checks.rng(stream) is stream
    state = np.random.RandomState(0)
    assert _checks.random_state(state) is state
    assert _checks.random_state(None) is not None
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="seed"):
            _checks.rng(bad)
        with pytest.raises(ValueError, match="seed"):
            _checks.random_state(bad)


def test_sizes_lengths_and_divisibility():
    assert _checks.check_sizes([8, np.int64(16)], "filters", "each filter count", "level") == (8, 16)
    assert _checks.check_sizes((), "hidden_sizes", "each hidden size") == ()
    with pytest.raises(ValueError, match="filters must name at least one level, got an empty sequence"):
        _checks.check_sizes((), "filters", "each filter count", "level")
    with pytest.raises(ValueError, match="each filter count must be a positive integer, got 0"):
        _checks.check_sizes((8, 0), "filters", "each filter count", "level")
    with pytest.raises(ValueError, match="inputs and targets must have the same length, got 2 and 3"):
        _checks.check_same_length([1, 2], [1, 2, 3])
    _checks.check_divisible(28, 28, 4, "2 stride-2 layers")
    with pytest.raises(ValueError, match="divisible by 8 for fold 2 and 2 levels, got 28x28"):
        _checks.check_divisible(28, 28, 8, "fold 2 and 2 levels")


def test_audio_guards():
    clean = np.zeros(10, np.float32)
    a, b = _checks.check_audio_pair(clean, clean + 1, ("reference", "estimate"))
    assert a.shape == b.shape == (10,)
    with pytest.raises(ValueError, match="reference and estimate must have the same length, got 10 and 9 samples"):
        _checks.check_audio_pair(clean, clean[:-1], ("reference", "estimate"))
    with pytest.raises(TypeError, match="noise must be floating point"):
        _checks.check_audio_pair(clean, np.zeros(10, np.int16))
    assert _checks.check_rate(8000.0) == 8000
    with pytest.raises(ValueError, match="sample rate"):
        _checks.check_rate(44100.5)
    assert _checks.check_length(np.int64(5)) == 5
    with pytest.raises(ValueError, match=r"n \(a number of samples\) must be a positive int, got 0"):
        _checks.check_length(0)
    np.testing.assert_allclose(np.sqrt(np.mean(_checks.unit_rms(np.full(4, 3.0), "x") ** 2)), 1.0)
    with pytest.raises(ValueError, match="hum is silent"):
        _checks.unit_rms(np.zeros(4), "hum")
    assert _checks.check_patch_steps(np.int64(32), 16) == (32, 16)
    with pytest.raises(ValueError, match=r"hop \(5\) must not exceed width \(4\)"):
        _checks.check_patch_steps(4, 5)
