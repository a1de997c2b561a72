"""dae.traits: energy above a frequency, loud frames, calls and pitch, on signals whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from dae import traits

SR = 8000


def _tone(hz, seconds, amplitude=0.5):
    t = np.arange(int(seconds * SR)) / SR
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def _two_calls():
    """A 220 Hz call of 0.5 s, 0.5 s of near silence, a call of 0.3 s, then silence: 1.5 s in all."""
    quiet = lambda seconds: np.full(int(seconds * SR), 1e-4, np.float32)  # noqa: E731
    return np.concatenate([_tone(220, 0.5), quiet(0.5), _tone(220, 0.3), quiet(0.2)])


def test_energy_above_splits_a_low_and_a_high_tone():
    low, high = _tone(500, 1.0), _tone(3500, 1.0)
    assert traits.energy_above(low + high, SR, hz=2000) == pytest.approx(0.5, abs=0.01)
    assert traits.energy_above(low, SR, hz=2000) < 1e-3


def test_calls_find_the_loud_stretches_and_their_lengths():
    audio = _two_calls()
    assert traits.calls(audio, SR) == [(0, 4000), (8000, 10400)]
    assert traits.median_call_seconds(audio, SR) == pytest.approx(0.4)
    assert traits.loud_share(audio, SR) == pytest.approx(0.8 / 1.5, abs=0.01)


def test_a_pause_shorter_than_the_gap_joins_two_calls():
    audio = np.concatenate([_tone(220, 0.3), np.full(800, 1e-4, np.float32), _tone(220, 0.3)])  # 0.1 s apart
    assert len(traits.calls(audio, SR)) == 1


def test_median_pitch_of_a_tone_and_of_noise():
    assert traits.median_pitch(_tone(330, 1.0), SR) == pytest.approx(330, rel=0.02)
    noise = np.random.default_rng(0).standard_normal(SR).astype(np.float32) * 0.1
    assert np.isnan(traits.median_pitch(noise, SR))


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="floating point"):
        traits.energy_above(np.zeros(100, np.int16), SR)
    with pytest.raises(ValueError, match="sample rate"):
        traits.loud_share(_tone(220, 0.5), 0)


def test_describe_gives_one_row_of_traits():
    row = traits.describe(_two_calls(), SR)
    assert np.isnan(row["energy above 4 kHz (%)"])
    assert row["loud (% of time)"] == pytest.approx(100 * 0.8 / 1.5, abs=1)
    assert row["median call (s)"] == pytest.approx(0.4)
    assert row["median pitch (Hz)"] == pytest.approx(220, rel=0.02)
    t = np.arange(16000) / 16000
    wide = (np.sin(2 * np.pi * 500 * t) + np.sin(2 * np.pi * 5000 * t)).astype(np.float32)  # the same sound at 16 kHz
    assert traits.describe(_tone(500, 1.0), SR, wide, 16000)["energy above 4 kHz (%)"] == pytest.approx(50, abs=1)
