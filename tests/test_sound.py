"""dae.sound: the noise makers, mixing at an exact SNR, noisy_mixture and resampling."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import snr_db as _snr
from conftest import speechlike as _speechlike
from scipy.signal import welch

from dae import sound

SR = 8000


@pytest.fixture()
def clean() -> np.ndarray:
    return _speechlike()


@pytest.fixture()
def pool() -> list[np.ndarray]:
    """Stand-ins for other speakers' recordings: short signals of different pitch and length."""
    return [(_speechlike(0.3 + 0.1 * k, seed=k) * (1 + k % 3)).astype(np.float32) for k in range(8)]


# --- mixing at an exact SNR --------------------------------------------------------------------


@pytest.mark.parametrize("snr", [-10.0, -5.0, 0.0, 5.0, 12.5, 30.0])
@pytest.mark.parametrize("kind", ["white", "pink", "hum"])
def test_mix_at_snr_is_exact_to_a_hundredth_of_a_db(clean, snr, kind):
    noise = sound.make_noise(kind, len(clean), SR, seed=3)
    assert abs(_snr(clean, sound.scale_to_snr(clean, noise, snr)) - snr) < 0.01
    noisy = sound.mix_at_snr(clean, noise, snr)
    assert noisy.dtype == np.float32 and noisy.shape == clean.shape
    assert abs(_snr(clean, noisy.astype(np.float64) - clean) - snr) < 0.01


def test_mix_at_snr_does_not_depend_on_the_noise_level(clean):
    noise = sound.white(len(clean), seed=1)
    np.testing.assert_allclose(sound.mix_at_snr(clean, noise, 3.0), sound.mix_at_snr(clean, 100 * noise, 3.0), rtol=1e-5, atol=1e-6)


def test_mix_at_snr_adds_noise_without_changing_the_clean_part(clean):
    noise = sound.pink(len(clean), seed=2)
    noisy = sound.mix_at_snr(clean, noise, 6.0)
    np.testing.assert_allclose(noisy, clean + sound.scale_to_snr(clean, noise, 6.0), atol=1e-6)


@pytest.mark.parametrize("snr", [float("nan"), float("inf"), -float("inf"), "5", None, True])
def test_mix_at_snr_rejects_an_snr_that_is_not_a_finite_number(clean, snr):
    with pytest.raises(ValueError, match="snr_db"):
        sound.mix_at_snr(clean, sound.white(len(clean), 0), snr)


def test_mix_at_snr_rejects_different_lengths_silence_and_bad_arrays(clean):
    with pytest.raises(ValueError, match="same length"):
        sound.mix_at_snr(clean, sound.white(len(clean) - 1, 0), 0.0)
    with pytest.raises(ValueError, match="clean is silent"):
        sound.mix_at_snr(np.zeros(100, np.float32), sound.white(100, 0), 0.0)
    with pytest.raises(ValueError, match="noise is silent"):
        sound.mix_at_snr(clean, np.zeros_like(clean), 0.0)
    with pytest.raises(ValueError, match="1-D"):
        sound.mix_at_snr(np.stack([clean, clean]), np.stack([clean, clean]), 0.0)
    with pytest.raises(TypeError, match="floating point"):
        sound.mix_at_snr((clean * 32767).astype(np.int16), sound.white(len(clean), 0), 0.0)
    broken = clean.copy()
    broken[10] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sound.mix_at_snr(broken, sound.white(len(clean), 0), 0.0)
    with pytest.raises(ValueError, match="empty"):
        sound.mix_at_snr(np.array([], np.float32), np.array([], np.float32), 0.0)


# --- the noise makers --------------------------------------------------------------------------


@pytest.mark.parametrize("maker", [lambda n, s: sound.white(n, s), lambda n, s: sound.pink(n, s), lambda n, s: sound.hum(n, SR, seed=s)])
def test_noise_makers_are_reproducible_float32_of_unit_level(maker):
    a, b, c = maker(16000, 5), maker(16000, 5), maker(16000, 6)
    assert a.dtype == np.float32 and a.shape == (16000,)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.sqrt(np.mean(a.astype(np.float64) ** 2)) == pytest.approx(1.0, rel=0.05)


def test_white_noise_has_a_flat_spectrum():
    freqs, power = welch(sound.white(2**16, seed=0), fs=SR, nperseg=512)
    band = (freqs > 100) & (freqs < 3900)
    slope = np.polyfit(np.log10(freqs[band]), np.log10(power[band]), 1)[0]
    assert abs(slope) < 0.1


def test_pink_noise_power_falls_as_one_over_f():
    freqs, power = welch(sound.pink(2**17, seed=0), fs=SR, nperseg=2048)
    band = (freqs > 20) & (freqs < 3500)
    slope = np.polyfit(np.log10(freqs[band]), np.log10(power[band]), 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.15)


def test_pink_noise_has_no_dc_offset():
    assert abs(float(np.mean(sound.pink(10001, seed=1)))) < 1e-6


def test_hum_has_its_energy_at_the_fundamental_and_harmonics():
    x = sound.hum(SR * 4, SR, freq=50.0, harmonics=3)
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / SR)
    at = {f: spectrum[np.argmin(np.abs(freqs - f))] for f in (50, 100, 150, 200)}
    assert at[50] > at[100] > at[150] > 1e6 * at[200]  # amplitudes 1, 1/2, 1/3, nothing at the 4th
    assert sum(at[f] for f in (50, 100, 150)) / spectrum.sum() > 0.999


def test_hum_phases_are_zero_without_a_seed():
    np.testing.assert_array_equal(sound.hum(1000, SR), sound.hum(1000, SR))
    assert sound.hum(1000, SR)[0] == 0.0


@pytest.mark.parametrize(
    "kwargs, match",
    [(dict(freq=1000.0, harmonics=4), "Nyquist"), (dict(freq=-50.0), "freq"), (dict(harmonics=0), "harmonics")],
)
def test_hum_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sound.hum(1000, SR, **kwargs)


def test_babble_is_a_reproducible_sum_of_pool_voices(pool):
    a = sound.babble(pool, 12000, seed=1)
    np.testing.assert_array_equal(a, sound.babble(pool, 12000, seed=1))
    assert not np.array_equal(a, sound.babble(pool, 12000, seed=2))
    assert a.dtype == np.float32 and a.shape == (12000,)
    assert np.sqrt(np.mean(a.astype(np.float64) ** 2)) == pytest.approx(1.0, rel=1e-3)


def test_babble_with_one_talker_is_a_stretch_of_pool_recordings(pool):
    one = sound.babble(pool, 2000, seed=4, talkers=1)
    head = one[:400].astype(np.float64)
    head /= np.linalg.norm(head)

    def best_match(piece):  # the highest normalised correlation of ``head`` with any 400-sample window
        piece = piece.astype(np.float64)
        windows = np.sqrt(np.convolve(piece**2, np.ones(400), mode="valid"))
        return float(np.max(np.abs(np.correlate(piece, head, mode="valid")) / np.maximum(windows, 1e-12)))

    # A stretch of a recording, only rescaled: some window of some recording matches it exactly.
    assert max(best_match(p) for p in pool if len(p) >= 400) > 0.999
    assert best_match(sound.white(3000, 0)) < 0.5


def test_babble_talkers_count_changes_the_mix(pool):
    two = sound.babble(pool, 8000, seed=0, talkers=2)
    six = sound.babble(pool, 8000, seed=0, talkers=6)
    # More independent voices: a less peaky, more Gaussian sum (lower kurtosis).
    kurtosis = lambda x: float(np.mean(x.astype(np.float64) ** 4))  # noqa: E731 (unit RMS, so this is the kurtosis)
    assert kurtosis(six) < kurtosis(two)


def test_babble_checks_its_pool_and_talkers(pool):
    with pytest.raises(ValueError, match="non-empty pool"):
        sound.babble([], 100, seed=0)
    with pytest.raises(ValueError, match="talkers"):
        sound.babble(pool, 100, seed=0, talkers=0)
    with pytest.raises(ValueError, match="talkers"):
        sound.babble(pool, 100, seed=0, talkers=(6, 4))

    class Rec:
        audio, sample_rate = pool[0], 16000

    with pytest.raises(ValueError, match="16000 Hz"):
        sound.babble([Rec()], 100, seed=0, sr=SR)


@pytest.mark.parametrize("seed", [-1, None, 1.5, "7", True])
def test_noise_makers_require_a_reproducible_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        sound.white(100, seed)


@pytest.mark.parametrize("n", [0, -5, 2.5, True])
def test_noise_makers_require_a_positive_int_length(n):
    with pytest.raises(ValueError, match="positive int"):
        sound.pink(n, seed=0)


# --- noisy_mixture -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sound.NOISE_KINDS)
def test_noisy_mixture_dispatches_by_name_at_the_exact_snr(clean, pool, kind):
    noisy = sound.noisy_mixture(clean, kind, 5.0, SR, seed=7, babble_pool=pool)
    noise = sound.make_noise(kind, len(clean), SR, seed=7, babble_pool=pool)
    np.testing.assert_allclose(noisy, sound.mix_at_snr(clean, noise, 5.0), atol=1e-7)
    assert abs(_snr(clean, noisy.astype(np.float64) - clean) - 5.0) < 0.01


def test_noisy_mixture_kinds_differ(clean, pool):
    outs = {k: sound.noisy_mixture(clean, k, 0.0, SR, seed=1, babble_pool=pool) for k in sound.NOISE_KINDS}
    for a in sound.NOISE_KINDS:
        for b in sound.NOISE_KINDS:
            if a < b:
                assert not np.allclose(outs[a], outs[b])


def test_noisy_mixture_rejects_unknown_kinds_and_babble_without_a_pool(clean):
    with pytest.raises(ValueError, match="unknown noise kind 'brown'"):
        sound.noisy_mixture(clean, "brown", 0.0, SR, seed=0)
    with pytest.raises(ValueError, match="babble_pool"):
        sound.noisy_mixture(clean, "babble", 0.0, SR, seed=0)
    with pytest.raises(ValueError, match="sample rate"):
        sound.noisy_mixture(clean, "white", 0.0, 0, seed=0)
    with pytest.raises(ValueError, match="snr_db"):
        sound.noisy_mixture(clean, "white", float("nan"), SR, seed=0)


# --- resampling --------------------------------------------------------------------------------


def test_resample_keeps_a_tone_at_its_frequency():
    tone = np.sin(2 * np.pi * 440 * np.arange(44100) / 44100).astype(np.float32)
    down = sound.resample(tone, 44100, SR)
    assert down.shape == (SR,)
    assert np.argmax(np.abs(np.fft.rfft(down))) == 440  # 1 Hz bins over one second
    np.testing.assert_array_equal(sound.resample(tone, SR, SR), tone)


def test_wav_round_trip_writes_sixteen_bits_and_reads_the_same_sound(tmp_path, clean):
    back = sound.wav_round_trip(clean, 8000, tmp_path / "sub" / "clip.wav")
    assert (tmp_path / "sub" / "clip.wav").is_file() and back.dtype == np.float32 and len(back) == len(clean)
    assert np.abs(back - np.clip(clean, -1, 1)).max() < 1 / 2**14  # 16-bit rounding only
    with pytest.raises(ValueError, match=r"\.wav"):
        sound.wav_round_trip(clean, 8000, tmp_path / "clip.mp3")
