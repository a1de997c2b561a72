"""dae.audio's mask denoiser helpers: the fixed-loudness input, the phase-sensitive mask, training patches,
mask prediction over patches and the two ways back to sound."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import speechlike as _speechlike

from dae import audio as A

SR = 8000


@pytest.fixture()
def clean() -> np.ndarray:
    return _speechlike()


@pytest.fixture()
def noise(clean) -> np.ndarray:
    return A.scale_to_snr(clean, A.white(len(clean), seed=4), 0.0)


def _snr(reference, estimate) -> float:
    reference, estimate = np.asarray(reference, np.float64), np.asarray(estimate, np.float64)
    return 10 * np.log10(np.sum(reference**2) / np.sum((estimate - reference) ** 2))


# --- the model's input -------------------------------------------------------------------------


def test_scale_to_rms_sets_the_rms_and_keeps_the_shape(clean):
    out = A.scale_to_rms(clean * 7, rms=0.1)
    assert out.dtype == np.float32 and out.shape == clean.shape
    assert np.sqrt(np.mean(out.astype(np.float64) ** 2)) == pytest.approx(0.1, rel=1e-5)
    np.testing.assert_allclose(out / out.max(), clean / clean.max(), atol=1e-6)


@pytest.mark.parametrize("rms", [0.0, -1.0, float("nan"), float("inf")])
def test_scale_to_rms_rejects_a_bad_level_and_silence(clean, rms):
    with pytest.raises(ValueError, match="rms"):
        A.scale_to_rms(clean, rms=rms)
    with pytest.raises(ValueError, match="silent"):
        A.scale_to_rms(np.zeros(100, np.float32))


def test_mask_features_do_not_depend_on_the_input_level(clean, noise):
    noisy = clean + noise
    quiet, loud = A.mask_features(0.01 * noisy), A.mask_features(3.0 * noisy)
    assert quiet.shape == (A.N_FFT // 2 + 1, 1 + len(noisy) // A.HOP) and quiet.dtype == np.float32
    np.testing.assert_allclose(quiet, loud, atol=1e-5)
    np.testing.assert_allclose(quiet, A.stft_log_magnitude(A.scale_to_rms(noisy)), atol=1e-5)


# --- the target --------------------------------------------------------------------------------


def test_phase_sensitive_mask_is_the_best_mask_in_zero_one_for_every_bin(clean, noise):
    mask = A.phase_sensitive_mask(clean, noise)
    assert mask.dtype == np.float32 and mask.shape == A.stft(clean).shape
    assert mask.min() >= 0 and mask.max() <= 1
    speech, noisy = A.stft(clean), A.stft(clean + noise)
    error = np.abs(mask * noisy - speech) ** 2
    for other in (A.ratio_mask(clean, noise), np.clip(mask + 0.05, 0, 1), np.clip(mask - 0.05, 0, 1)):
        assert np.all(error <= np.abs(other * noisy - speech) ** 2 + 1e-6)


def test_phase_sensitive_mask_beats_the_ideal_ratio_mask_in_snr(clean, noise):
    noisy = clean + noise
    psm = A.apply_mask(A.phase_sensitive_mask(clean, noise), noisy)
    irm = A.apply_mask(A.ratio_mask(clean, noise), noisy)
    assert _snr(clean, psm) > _snr(clean, irm) > _snr(clean, noisy) + 5


def test_phase_sensitive_mask_is_one_without_noise_and_zero_without_speech(clean):
    silence = np.zeros_like(clean)
    assert A.phase_sensitive_mask(clean, silence)[np.abs(A.stft(clean)) > 1e-3].min() > 0.999
    assert A.phase_sensitive_mask(silence, A.white(len(clean), 0)).max() == 0
    assert A.phase_sensitive_mask(silence, silence).max() == 0  # nothing anywhere: keep nothing, no NaN


def test_phase_sensitive_mask_checks_its_inputs(clean):
    with pytest.raises(ValueError, match="same length"):
        A.phase_sensitive_mask(clean, clean[:-1])
    with pytest.raises(TypeError, match="floating point"):
        A.phase_sensitive_mask(clean, (clean * 1000).astype(np.int16))


# --- training patches --------------------------------------------------------------------------


@pytest.fixture()
def utterances() -> list[np.ndarray]:
    return [_speechlike(1.0 + 0.25 * k, seed=k) for k in range(3)]


@pytest.fixture()
def pools(utterances) -> list[list[np.ndarray]]:
    voices = [_speechlike(0.4, seed=10 + k) * (1 + k) for k in range(4)]
    return [voices] * len(utterances)


def test_training_patches_have_the_patch_shape_and_unit_range_targets(utterances, pools):
    x, y = A.training_patches(utterances, pools, width=16, seed=0)
    assert x.shape == y.shape and x.shape[1:] == (A.N_FFT // 2 + 1, 16)
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert y.min() >= 0 and y.max() <= 1 and 0.05 < y.mean() < 0.95
    frames = [1 + len(u) // A.HOP for u in utterances]
    # non-overlapping patches from a first frame in [0, width): between (frames - 15) / 16 and frames / 16 each
    assert sum(-(-(f - 15) // 16) for f in frames) <= len(x) <= sum(-(-f // 16) for f in frames)


def test_training_patches_are_reproducible_and_new_with_every_seed(utterances, pools):
    a, b, c = (A.training_patches(utterances, pools, width=16, seed=s) for s in (1, 1, 2))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[0].shape != c[0].shape or not np.array_equal(a[0], c[0])


def test_training_patches_are_features_and_masks_of_one_mixture(utterances, pools):
    """With one noise kind, one SNR and width 1 (so the cut starts at frame 0), the patches are exact columns."""
    x, y = A.training_patches(utterances[:1], pools[:1], width=1, seed=3, snr_range=(5.0, 5.0), kinds=("hum",))
    clean = utterances[0]
    rng = np.random.default_rng(3)
    rng.integers(1)  # the kind
    noise = A.scale_to_snr(clean, A.make_noise("hum", len(clean), SR, int(rng.integers(2**31))), 5.0)
    np.testing.assert_allclose(x[:, :, 0].T, A.mask_features(clean + noise), atol=1e-6)
    np.testing.assert_allclose(y[:, :, 0].T, A.phase_sensitive_mask(clean, noise), atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"pools": []}, "babble pool per utterance"),
        ({"kinds": ("thunder",)}, "kinds"),
        ({"kinds": ()}, "kinds"),
        ({"snr_range": (5.0, 0.0)}, "snr_range"),
        ({"width": 0}, "width"),
        ({"seed": -1}, "seed"),
    ],
)
def test_training_patches_reject_bad_arguments(utterances, pools, kwargs, match):
    arguments = {"utterances": utterances, "pools": pools, "width": 8, "seed": 0} | kwargs
    with pytest.raises(ValueError, match=match):
        A.training_patches(**arguments)


# --- predicting masks and going back to sound --------------------------------------------------


def test_predict_masks_calls_predict_once_and_puts_every_signal_back(clean, noise):
    features = [A.mask_features(clean + noise), A.mask_features(clean[:5000] + noise[:5000])]
    calls = []

    def identity(batch):
        calls.append(batch.shape)
        return batch

    masks = A.predict_masks(identity, features, width=32, hop=16)
    assert len(calls) == 1 and calls[0][1:] == (A.N_FFT // 2 + 1, 32)
    for mask, feature in zip(masks, features):
        assert mask.shape == feature.shape
        np.testing.assert_allclose(mask, np.clip(feature, 0, 1), atol=1e-6)


def test_predict_masks_accepts_a_channel_axis_and_checks_the_output_shape(clean):
    feature = A.mask_features(clean)
    out = A.predict_masks(lambda b: b[..., None] * 0.5, [feature], width=8, hop=8)[0]
    np.testing.assert_allclose(out, np.clip(feature * 0.5, 0, 1), atol=1e-6)
    with pytest.raises(ValueError, match="predict returned shape"):
        A.predict_masks(lambda b: b[:, :10], [feature], width=8, hop=8)
    with pytest.raises(ValueError, match="empty"):
        A.predict_masks(lambda b: b, [], width=8, hop=8)


def test_apply_mask_of_ones_gives_the_noisy_signal_and_zeros_silence(clean, noise):
    noisy = clean + noise
    ones = np.ones(A.stft(noisy).shape, np.float32)
    out = A.apply_mask(ones, noisy)
    assert out.dtype == np.float32 and out.shape == noisy.shape
    np.testing.assert_allclose(out, noisy, atol=1e-4)
    assert np.abs(A.apply_mask(0 * ones, noisy)).max() == 0
    with pytest.raises(ValueError, match="mask has shape"):
        A.apply_mask(ones[:, :-1], noisy)


def test_mask_to_mel_audio_keeps_the_length_and_the_masked_spectrum(clean, noise):
    noisy = clean + noise
    mask = A.phase_sensitive_mask(clean, noise)
    out = A.mask_to_mel_audio(mask, noisy, seed=0)
    assert out.dtype == np.float32 and out.shape == noisy.shape and np.all(np.isfinite(out))
    np.testing.assert_array_equal(out, A.mask_to_mel_audio(mask, noisy, seed=0))
    # Griffin-Lim's phase is new, so compare mel spectra: the output's is close to the clean one, far from the noise.
    target, got, before = (A.mel_log_power(x) for x in (clean, out, noisy))
    assert np.mean(np.abs(got - target)) < 0.5 * np.mean(np.abs(before - target))
    with pytest.raises(ValueError, match="mask has shape"):
        A.mask_to_mel_audio(mask[:-1], noisy)
