"""dae.augment: pitch shifts and speed changes that move a voice's pitch where they say, and vary_voices drawing them reproducibly."""

from __future__ import annotations

import numpy as np
import pytest

from dae import augment

SR = 8000


def tone(freq: float, seconds: float = 1.0) -> np.ndarray:
    return (0.3 * np.sin(2 * np.pi * freq * np.arange(round(seconds * SR)) / SR)).astype(np.float32)


def peak_hz(audio: np.ndarray) -> float:
    return float(np.argmax(np.abs(np.fft.rfft(audio * np.hanning(len(audio))))) * SR / len(audio))


@pytest.mark.parametrize("semitones", [-8.0, 5.0, 12.0])
def test_shift_pitch_moves_the_pitch_and_keeps_the_length(semitones):
    out = augment.shift_pitch(tone(200.0), semitones, SR)
    assert out.dtype == np.float32 and len(out) == SR
    assert peak_hz(out) == pytest.approx(200.0 * 2 ** (semitones / 12), rel=0.03)


def test_no_shift_is_a_copy():
    audio = tone(150.0)
    out = augment.shift_pitch(audio, 0, SR)
    np.testing.assert_array_equal(out, audio)
    assert out is not audio


@pytest.mark.parametrize("speed", [0.7, 1.4])
def test_change_speed_moves_pitch_and_tempo_together(speed):
    out = augment.change_speed(tone(300.0), speed)
    assert abs(len(out) - SR / speed) <= 2
    assert peak_hz(out) == pytest.approx(300.0 * speed, rel=0.02)


@pytest.mark.parametrize("bad", [float("nan"), 30.0, True, "3"])
def test_shift_pitch_refuses_bad_semitones(bad):
    with pytest.raises(ValueError, match="semitones"):
        augment.shift_pitch(tone(100.0), bad, SR)


@pytest.mark.parametrize("bad", [0.0, -1.0, 5.0, float("inf")])
def test_change_speed_refuses_bad_speeds(bad):
    with pytest.raises(ValueError, match="speed"):
        augment.change_speed(tone(100.0), bad)


def training_like(count: int = 6):
    """Utterances of different pitches, and two pools shared as dae.speech.training_set shares them."""
    utterances = [tone(110.0 + 10 * k, 0.5) for k in range(count)]
    pool_a, pool_b = [tone(120.0, 0.3), tone(140.0, 0.2)], [tone(160.0, 0.25)]
    return utterances, [pool_a] * (count // 2) + [pool_b] * (count - count // 2)


def test_vary_voices_is_reproducible_and_keeps_the_shapes():
    utterances, pools = training_like()
    first = augment.vary_voices(utterances, pools, seed=3, share=0.5)
    second = augment.vary_voices(utterances, pools, seed=3, share=0.5)
    for a, b in zip(first[0], second[0]):
        np.testing.assert_array_equal(a, b)
    assert [len(u) for u in first[0]] == [len(u) for u in utterances]
    assert first[1][0] is first[1][1] and first[1][0] is not first[1][-1]  # one varied copy per shared pool
    assert len(first[1]) == len(pools) and len(first[1][0]) == len(pools[0])


def test_share_zero_changes_nothing_and_share_one_changes_everything():
    utterances, pools = training_like()
    same, same_pools = augment.vary_voices(utterances, pools, seed=0, share=0.0)
    for a, b in zip(same, utterances):
        np.testing.assert_array_equal(a, b)
    assert all(x is y for x, y in zip(same_pools[0], pools[0]))
    moved, moved_pools = augment.vary_voices(utterances, pools, seed=0, share=1.0, semitones=(3.0, 6.0), speeds=(1.2, 1.3))
    for a, b in zip(moved, utterances):
        assert 2 ** (3 / 12) * 0.97 < peak_hz(a) / peak_hz(b) < 2 ** (6 / 12) * 1.03
    assert all(len(x) < len(y) for x, y in zip(moved_pools[0], pools[0]))  # faster, so shorter


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"share": 1.5}, "share"),
        ({"semitones": (5.0, -5.0)}, "semitones"),
        ({"semitones": 4.0}, "semitones"),
        ({"speeds": (0.1, 1.0)}, "speeds"),
    ],
)
def test_vary_voices_refuses_bad_arguments(kwargs, match):
    utterances, pools = training_like()
    with pytest.raises(ValueError, match=match):
        augment.vary_voices(utterances, pools, seed=0, **kwargs)


def test_vary_voices_needs_a_pool_per_utterance():
    utterances, pools = training_like()
    with pytest.raises(ValueError, match="pool per utterance"):
        augment.vary_voices(utterances, pools[:-1], seed=0)


def test_random_filter_tilts_the_spectrum_and_keeps_the_loudness():
    noise = np.random.default_rng(0).standard_normal(4 * SR).astype(np.float32)
    tilts = []
    for seed in range(20):
        out = augment.random_filter(noise, seed)
        assert out.dtype == np.float32 and len(out) == len(noise) and np.all(np.isfinite(out))
        assert np.sqrt(np.mean(out.astype(np.float64) ** 2)) == pytest.approx(np.sqrt(np.mean(noise.astype(np.float64) ** 2)), rel=1e-4)
        power = np.abs(np.fft.rfft(out)) ** 2
        low, high = power[: len(power) // 8].mean(), power[-len(power) // 8 :].mean()
        tilts.append(10 * np.log10(low / high))
    np.testing.assert_array_equal(augment.random_filter(noise, 3), augment.random_filter(noise, 3))
    assert max(tilts) > 6 and min(tilts) < -6  # some filters favour the bass, some the treble
    assert max(np.abs(tilts)) < 40  # and none by more than the coefficients allow


def test_filter_share_filters_utterances_and_babble():
    utterances, pools = training_like()
    plain, plain_pools = augment.vary_voices(utterances, pools, seed=1, share=0.0, filter_share=0.0)
    coloured, coloured_pools = augment.vary_voices(utterances, pools, seed=1, share=0.0, filter_share=1.0)
    assert all(not np.array_equal(a, b) for a, b in zip(plain, coloured))
    assert all(not np.array_equal(a, b) for a, b in zip(plain_pools[0], coloured_pools[0]))
    assert all(len(a) == len(b) for a, b in zip(plain, coloured))
    with pytest.raises(ValueError, match="filter_share"):
        augment.vary_voices(utterances, pools, seed=0, filter_share=-0.1)
