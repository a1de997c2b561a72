"""dae.spectrogram: the STFT, the fixed dB scale, features and their inverses, patches and overlap-add."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import snr_db as _snr
from conftest import speechlike as _speechlike

from dae import sound, spectrogram

SR = 8000


@pytest.fixture()
def clean() -> np.ndarray:
    return _speechlike()


# --- features and their inverses ---------------------------------------------------------------


def test_feature_shapes_follow_the_module_constants(clean):
    frames = 1 + len(clean) // spectrogram.HOP
    assert spectrogram.stft(clean).shape == (spectrogram.N_FFT // 2 + 1, frames)
    assert spectrogram.stft_log_magnitude(clean).shape == (129, frames)
    assert spectrogram.mel_log_power(clean).shape == (spectrogram.N_MELS, frames)
    assert spectrogram.stft_log_magnitude(clean).dtype == np.float32


def test_normalised_features_lie_mostly_in_zero_one(clean):
    for features in (spectrogram.stft_log_magnitude(clean), spectrogram.mel_log_power(clean)):
        assert features.min() >= 0.0 and features.max() <= 1.0
        assert features.max() > 0.5  # the speech reaches well up the scale


def test_normalise_round_trip_is_exact_above_the_floor():
    rng = np.random.default_rng(0)
    magnitude = 10 ** rng.uniform(spectrogram.DB_MIN / 20, spectrogram.DB_MAX / 20 + 0.5, size=(129, 50))
    for power in (False, True):
        values = magnitude**2 if power else magnitude
        np.testing.assert_allclose(spectrogram.denormalise(spectrogram.normalise(values, power=power), power=power), values, rtol=1e-5)
    unit = rng.uniform(0, 1.1, size=(64, 30)).astype(np.float32)
    np.testing.assert_allclose(spectrogram.normalise(spectrogram.denormalise(unit)), unit, atol=1e-5)


def test_normalise_maps_the_fixed_db_scale_to_zero_one():
    levels = np.array([0.0, 10 ** (spectrogram.DB_MIN / 20), 1.0, 10 ** (spectrogram.DB_MAX / 20)])
    np.testing.assert_allclose(
        spectrogram.normalise(levels), [0.0, 0.0, -spectrogram.DB_MIN / (spectrogram.DB_MAX - spectrogram.DB_MIN), 1.0], atol=1e-6
    )
    np.testing.assert_allclose(spectrogram.normalise(levels**2, power=True), spectrogram.normalise(levels), atol=1e-6)


def test_normalise_rejects_complex_negative_or_non_finite_input(clean):
    for bad in (spectrogram.stft(clean), -np.ones(3), np.array([1.0, np.inf])):
        with pytest.raises(ValueError, match="non-negative"):
            spectrogram.normalise(bad)
    with pytest.raises(ValueError):
        spectrogram.denormalise(np.array([0.5, np.nan]))


def test_stft_features_with_the_signals_own_phase_give_the_signal_back(clean):
    back = spectrogram.inverse_stft_log_magnitude(spectrogram.stft_log_magnitude(clean), clean)
    assert back.shape == clean.shape and back.dtype == np.float32
    assert np.max(np.abs(back - clean)) < 1e-3
    again = spectrogram.inverse_stft_log_magnitude(spectrogram.stft_log_magnitude(clean), spectrogram.stft(clean), length=len(clean))
    np.testing.assert_allclose(again, back, atol=1e-6)


def test_clean_magnitude_with_noisy_phase_is_closer_to_clean_than_the_noisy_input(clean):
    noisy = sound.noisy_mixture(clean, "white", 0.0, SR, seed=0)
    estimate = spectrogram.inverse_stft_log_magnitude(spectrogram.stft_log_magnitude(clean), noisy)
    assert _snr(clean, estimate - clean) > _snr(clean, noisy - clean) + 3


def test_inverse_stft_checks_shapes_and_length(clean):
    features = spectrogram.stft_log_magnitude(clean)
    with pytest.raises(ValueError, match="shape"):
        spectrogram.inverse_stft_log_magnitude(features[:, :-1], clean)
    with pytest.raises(ValueError, match="length"):
        spectrogram.inverse_stft_log_magnitude(features, spectrogram.stft(clean))


def test_mel_griffin_lim_recovers_the_magnitude_spectrum(clean):
    back = spectrogram.inverse_mel_log_power(spectrogram.mel_log_power(clean), len(clean))
    assert back.shape == clean.shape and back.dtype == np.float32
    np.testing.assert_array_equal(back, spectrogram.inverse_mel_log_power(spectrogram.mel_log_power(clean), len(clean)))  # seeded
    # The phase is invented, so compare magnitudes: the mel spectrogram of the result matches the original.
    error = np.mean(np.abs(spectrogram.mel_log_power(back) - spectrogram.mel_log_power(clean)) * (spectrogram.DB_MAX - spectrogram.DB_MIN))
    assert error < 3.0  # mean error in dB
    noise_error = np.mean(np.abs(spectrogram.mel_log_power(sound.white(len(clean), 0) * 0.05) - spectrogram.mel_log_power(clean))) * (
        spectrogram.DB_MAX - spectrogram.DB_MIN
    )
    assert error < noise_error / 4


# --- patches and overlap-add -------------------------------------------------------------------


@pytest.mark.parametrize("frames, width, hop", [(251, 32, 16), (251, 32, 32), (100, 16, 5), (20, 32, 8), (32, 32, 1)])
def test_patches_then_overlap_add_is_the_identity(frames, width, hop):
    spec = np.random.default_rng(frames).random((129, frames)).astype(np.float32)
    cut = spectrogram.patches(spec, width, hop)
    assert cut.shape[1:] == (129, width)
    assert (cut.shape[0] - 1) * hop + width >= frames  # every frame is covered
    assert (cut.shape[0] - 2) * hop + width < frames or cut.shape[0] == 1  # and no patch is wasted
    np.testing.assert_allclose(spectrogram.overlap_add(cut, hop, frames), spec, rtol=1e-6)
    np.testing.assert_allclose(spectrogram.overlap_add(cut[..., None], hop, frames), spec, rtol=1e-6)  # Keras' channel axis


def test_patches_are_the_right_slices_and_pad_with_silence():
    spec = np.arange(3 * 10, dtype=np.float32).reshape(3, 10)
    cut = spectrogram.patches(spec, width=4, hop=3)
    assert cut.shape == (3, 3, 4)  # starts 0, 3, 6; the last one runs to frame 9
    np.testing.assert_array_equal(cut[1], spec[:, 3:7])
    np.testing.assert_array_equal(cut[2], spec[:, 6:10])
    short = spectrogram.patches(spec[:, :2], width=4, hop=2, pad_value=-1.0)
    np.testing.assert_array_equal(short[0][:, 2:], -1.0)


def test_overlap_add_averages_where_patches_overlap():
    cut = np.stack([np.zeros((2, 4)), np.ones((2, 4))])
    np.testing.assert_allclose(spectrogram.overlap_add(cut, hop=2, length=6)[0], [0, 0, 0.5, 0.5, 1, 1])


def test_patches_reject_bad_steps_and_shapes():
    spec = np.zeros((5, 20))
    with pytest.raises(ValueError, match="hop"):
        spectrogram.patches(spec, width=4, hop=5)
    with pytest.raises(ValueError, match="width"):
        spectrogram.patches(spec, width=0, hop=1)
    with pytest.raises(ValueError, match="freq, time"):
        spectrogram.patches(np.zeros(20), width=4, hop=2)
    with pytest.raises(ValueError, match="length"):
        spectrogram.overlap_add(spectrogram.patches(spec, 4, 2), hop=2, length=40)
    with pytest.raises(ValueError, match="shape"):
        spectrogram.overlap_add(np.zeros((3, 4)), hop=2, length=4)
