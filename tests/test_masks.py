"""dae.masks: the oracle masks, the fixed-loudness input, training patches, mask prediction over patches,
the two ways back to sound, and spectral gating."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import speechlike as _speechlike

from dae import masks, sound, spectrogram

SR = 8000


@pytest.fixture()
def clean() -> np.ndarray:
    return _speechlike()


@pytest.fixture()
def noise(clean) -> np.ndarray:
    return sound.scale_to_snr(clean, sound.white(len(clean), seed=4), 0.0)


def _snr(reference, estimate) -> float:
    reference, estimate = np.asarray(reference, np.float64), np.asarray(estimate, np.float64)
    return 10 * np.log10(np.sum(reference**2) / np.sum((estimate - reference) ** 2))


def _energy_ratio_db(signal, other) -> float:
    signal, other = np.asarray(signal, np.float64), np.asarray(other, np.float64)
    return 10 * np.log10(np.sum(signal**2) / np.sum(other**2))


@pytest.fixture(scope="module")
def fsdd_speech() -> list[np.ndarray]:
    """Four real 2-5 s utterances of the held-out speakers (skipped without the FSDD mirror)."""
    from conftest import mirror_root

    from dae.data import fsdd_split, load_fsdd
    from dae.speech import join_utterances

    if not (mirror_root() / "fsdd" / "recordings").is_dir():
        pytest.skip(f"no FSDD mirror under {mirror_root()}; set DAE_DATA_DIR")
    _, test = fsdd_split(load_fsdd(mirror_root()))
    return join_utterances(test, "lucas", 2, seed=0)[0] + join_utterances(test, "theo", 2, seed=0)[0]


# --- the model's input -------------------------------------------------------------------------


def test_scale_to_rms_sets_the_rms_and_keeps_the_shape(clean):
    out = masks.scale_to_rms(clean * 7, rms=0.1)
    assert out.dtype == np.float32 and out.shape == clean.shape
    assert np.sqrt(np.mean(out.astype(np.float64) ** 2)) == pytest.approx(0.1, rel=1e-5)
    np.testing.assert_allclose(out / out.max(), clean / clean.max(), atol=1e-6)


@pytest.mark.parametrize("rms", [0.0, -1.0, float("nan"), float("inf")])
def test_scale_to_rms_rejects_a_bad_level_and_silence(clean, rms):
    with pytest.raises(ValueError, match="rms"):
        masks.scale_to_rms(clean, rms=rms)
    with pytest.raises(ValueError, match="silent"):
        masks.scale_to_rms(np.zeros(100, np.float32))


def test_mask_features_do_not_depend_on_the_input_level(clean, noise):
    noisy = clean + noise
    quiet, loud = masks.mask_features(0.01 * noisy), masks.mask_features(3.0 * noisy)
    assert quiet.shape == (spectrogram.N_FFT // 2 + 1, 1 + len(noisy) // spectrogram.HOP) and quiet.dtype == np.float32
    np.testing.assert_allclose(quiet, loud, atol=1e-5)
    np.testing.assert_allclose(quiet, spectrogram.stft_log_magnitude(masks.scale_to_rms(noisy)), atol=1e-5)


# --- the target --------------------------------------------------------------------------------


def test_phase_sensitive_mask_is_the_best_mask_in_zero_one_for_every_bin(clean, noise):
    mask = masks.phase_sensitive_mask(clean, noise)
    assert mask.dtype == np.float32 and mask.shape == spectrogram.stft(clean).shape
    assert mask.min() >= 0 and mask.max() <= 1
    speech, noisy = spectrogram.stft(clean), spectrogram.stft(clean + noise)
    error = np.abs(mask * noisy - speech) ** 2
    for other in (masks.ratio_mask(clean, noise), np.clip(mask + 0.05, 0, 1), np.clip(mask - 0.05, 0, 1)):
        assert np.all(error <= np.abs(other * noisy - speech) ** 2 + 1e-6)


def test_phase_sensitive_mask_beats_the_ideal_ratio_mask_in_snr(clean, noise):
    noisy = clean + noise
    psm = masks.apply_mask(masks.phase_sensitive_mask(clean, noise), noisy)
    irm = masks.apply_mask(masks.ratio_mask(clean, noise), noisy)
    assert _snr(clean, psm) > _snr(clean, irm) > _snr(clean, noisy) + 5


def test_phase_sensitive_mask_is_one_without_noise_and_zero_without_speech(clean):
    silence = np.zeros_like(clean)
    assert masks.phase_sensitive_mask(clean, silence)[np.abs(spectrogram.stft(clean)) > 1e-3].min() > 0.999
    assert masks.phase_sensitive_mask(silence, sound.white(len(clean), 0)).max() == 0
    assert masks.phase_sensitive_mask(silence, silence).max() == 0  # nothing anywhere: keep nothing, no NaN


def test_phase_sensitive_mask_checks_its_inputs(clean):
    with pytest.raises(ValueError, match="same length"):
        masks.phase_sensitive_mask(clean, clean[:-1])
    with pytest.raises(TypeError, match="floating point"):
        masks.phase_sensitive_mask(clean, (clean * 1000).astype(np.int16))


# --- training patches --------------------------------------------------------------------------


@pytest.fixture()
def utterances() -> list[np.ndarray]:
    return [_speechlike(1.0 + 0.25 * k, seed=k) for k in range(3)]


@pytest.fixture()
def pools(utterances) -> list[list[np.ndarray]]:
    voices = [_speechlike(0.4, seed=10 + k) * (1 + k) for k in range(4)]
    return [voices] * len(utterances)


def test_training_patches_have_the_patch_shape_and_unit_range_targets(utterances, pools):
    x, y = masks.training_patches(utterances, pools, width=16, seed=0)
    assert x.shape == y.shape and x.shape[1:] == (spectrogram.N_FFT // 2 + 1, 16)
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert y.min() >= 0 and y.max() <= 1 and 0.05 < y.mean() < 0.95
    frames = [1 + len(u) // spectrogram.HOP for u in utterances]
    # non-overlapping patches from a first frame in [0, width): between (frames - 15) / 16 and frames / 16 each
    assert sum(-(-(f - 15) // 16) for f in frames) <= len(x) <= sum(-(-f // 16) for f in frames)


def test_training_patches_are_reproducible_and_new_with_every_seed(utterances, pools):
    a, b, c = (masks.training_patches(utterances, pools, width=16, seed=s) for s in (1, 1, 2))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[0].shape != c[0].shape or not np.array_equal(a[0], c[0])


def test_training_patches_are_features_and_masks_of_one_mixture(utterances, pools):
    """With one noise kind, one SNR and width 1 (so the cut starts at frame 0), the patches are exact columns."""
    x, y = masks.training_patches(utterances[:1], pools[:1], width=1, seed=3, snr_range=(5.0, 5.0), kinds=("hum",))
    clean = utterances[0]
    rng = np.random.default_rng(3)
    rng.integers(1)  # the kind
    noise = sound.scale_to_snr(clean, sound.make_noise("hum", len(clean), SR, int(rng.integers(2**31))), 5.0)
    np.testing.assert_allclose(x[:, :, 0].T, masks.mask_features(clean + noise), atol=1e-6)
    np.testing.assert_allclose(y[:, :, 0].T, masks.phase_sensitive_mask(clean, noise), atol=1e-6)
    # The same draws with the ratio mask as target: the same features, the ratio mask's columns.
    x_ratio, y_ratio = masks.training_patches(utterances[:1], pools[:1], width=1, seed=3, snr_range=(5.0, 5.0), kinds=("hum",), target="ratio")
    np.testing.assert_array_equal(x_ratio, x)
    np.testing.assert_allclose(y_ratio[:, :, 0].T, masks.ratio_mask(clean, noise), atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"pools": []}, "babble pool per utterance"),
        ({"kinds": ("thunder",)}, "kinds"),
        ({"kinds": ()}, "kinds"),
        ({"snr_range": (5.0, 0.0)}, "snr_range"),
        ({"width": 0}, "width"),
        ({"seed": -1}, "seed"),
        ({"target": "binary"}, "target must be one of"),
    ],
)
def test_training_patches_reject_bad_arguments(utterances, pools, kwargs, match):
    arguments = {"utterances": utterances, "pools": pools, "width": 8, "seed": 0} | kwargs
    with pytest.raises(ValueError, match=match):
        masks.training_patches(**arguments)


# --- predicting masks and going back to sound --------------------------------------------------


def test_predict_masks_calls_predict_once_and_puts_every_signal_back(clean, noise):
    features = [masks.mask_features(clean + noise), masks.mask_features(clean[:5000] + noise[:5000])]
    calls = []

    def identity(batch):
        calls.append(batch.shape)
        return batch

    predicted = masks.predict_masks(identity, features, width=32, hop=16)
    assert len(calls) == 1 and calls[0][1:] == (spectrogram.N_FFT // 2 + 1, 32)
    for mask, feature in zip(predicted, features):
        assert mask.shape == feature.shape
        np.testing.assert_allclose(mask, np.clip(feature, 0, 1), atol=1e-6)


def test_predict_masks_accepts_a_channel_axis_and_checks_the_output_shape(clean):
    feature = masks.mask_features(clean)
    out = masks.predict_masks(lambda b: b[..., None] * 0.5, [feature], width=8, hop=8)[0]
    np.testing.assert_allclose(out, np.clip(feature * 0.5, 0, 1), atol=1e-6)
    with pytest.raises(ValueError, match="predict returned shape"):
        masks.predict_masks(lambda b: b[:, :10], [feature], width=8, hop=8)
    with pytest.raises(ValueError, match="empty"):
        masks.predict_masks(lambda b: b, [], width=8, hop=8)


def test_apply_mask_of_ones_gives_the_noisy_signal_and_zeros_silence(clean, noise):
    noisy = clean + noise
    ones = np.ones(spectrogram.stft(noisy).shape, np.float32)
    out = masks.apply_mask(ones, noisy)
    assert out.dtype == np.float32 and out.shape == noisy.shape
    np.testing.assert_allclose(out, noisy, atol=1e-4)
    assert np.abs(masks.apply_mask(0 * ones, noisy)).max() == 0
    with pytest.raises(ValueError, match="mask has shape"):
        masks.apply_mask(ones[:, :-1], noisy)


def test_mask_to_mel_audio_keeps_the_length_and_the_masked_spectrum(clean, noise):
    noisy = clean + noise
    mask = masks.phase_sensitive_mask(clean, noise)
    out = masks.mask_to_mel_audio(mask, noisy, seed=0)
    assert out.dtype == np.float32 and out.shape == noisy.shape and np.all(np.isfinite(out))
    np.testing.assert_array_equal(out, masks.mask_to_mel_audio(mask, noisy, seed=0))
    # Griffin-Lim's phase is new, so compare mel spectra: the output's is close to the clean one, far from the noise.
    target, got, before = (spectrogram.mel_log_power(x) for x in (clean, out, noisy))
    assert np.mean(np.abs(got - target)) < 0.5 * np.mean(np.abs(before - target))
    with pytest.raises(ValueError, match="mask has shape"):
        masks.mask_to_mel_audio(mask[:-1], noisy)


# --- the oracle and spectral gating ------------------------------------------------------------


def test_spectral_gating_silences_stationary_noise_between_words(clean):
    quiet_then_voice = np.concatenate([np.zeros(SR, np.float32), clean])
    noisy = sound.noisy_mixture(quiet_then_voice, "white", 5.0, SR, seed=0)
    gated = masks.spectral_gating(noisy, SR)
    assert gated.shape == noisy.shape and gated.dtype == np.float32
    gap = slice(SR // 4, 3 * SR // 4)  # well inside the first, noise-only second
    assert _energy_ratio_db(noisy[gap], gated[gap]) > 10  # the noise there is at least 10 dB quieter


def test_spectral_gating_improves_real_speech_in_white_noise(fsdd_speech):
    from dae.audio_metrics import si_sdr

    gains = []
    for k, clean in enumerate(fsdd_speech):
        noisy = sound.noisy_mixture(clean, "white", 0.0, SR, seed=k)
        gains.append(si_sdr(clean, masks.spectral_gating(noisy, SR)) - si_sdr(clean, noisy))
    assert np.mean(gains) > 3.0  # about 7 dB measured on the held-out speakers


def test_spectral_gating_passes_options_to_noisereduce(clean):
    noisy = sound.noisy_mixture(clean, "white", 5.0, SR, seed=0)
    untouched = masks.spectral_gating(noisy, SR, prop_decrease=0.0)  # reduce nothing
    # noisereduce's own STFT round trip and mask smoothing are not exact: about 20 dB, far from the gated result
    assert _energy_ratio_db(noisy, untouched - noisy) > 15
    assert _energy_ratio_db(noisy, masks.spectral_gating(noisy, SR) - noisy) < 10
    with pytest.raises(ValueError, match="sample rate"):
        masks.spectral_gating(noisy, -1)


def test_ideal_ratio_mask_beats_the_noisy_input_by_a_wide_margin(clean):
    noise = sound.scale_to_snr(clean, sound.white(len(clean), 1), 0.0)
    estimate = masks.ideal_ratio_mask(clean, noise)
    assert estimate.shape == clean.shape and estimate.dtype == np.float32
    assert _energy_ratio_db(clean, estimate - clean) > 8.0


def test_ideal_ratio_mask_is_one_without_noise_and_zero_without_speech(clean):
    tiny = 1e-9 * sound.white(len(clean), 0)
    assert masks.ratio_mask(clean, tiny)[:, 20:-20].mean() > 0.99
    mask = masks.ratio_mask(tiny, sound.white(len(clean), 1))
    assert mask.max() < 1e-6 and mask.min() >= 0.0


def test_ideal_ratio_mask_checks_its_inputs(clean):
    with pytest.raises(ValueError, match="same length"):
        masks.ideal_ratio_mask(clean, clean[:-1])


def test_ideal_phase_sensitive_mask_beats_the_ratio_mask_and_keeps_clean_speech(clean, noise):
    noisy = clean + noise
    psm, irm = masks.ideal_phase_sensitive_mask(clean, noise), masks.ideal_ratio_mask(clean, noise)
    assert psm.shape == clean.shape and psm.dtype == np.float32
    assert _snr(clean, psm) > _snr(clean, irm) > _snr(clean, noisy) + 5
    np.testing.assert_allclose(masks.ideal_phase_sensitive_mask(clean, np.zeros_like(clean)), clean, atol=1e-5)


def test_phase_sensitive_mask_exceeds_the_ratio_mask_only_where_speech_and_noise_cancel(clean, noise):
    speech, interference = spectrogram.stft(clean), spectrogram.stft(noise)
    cancel = np.abs(speech + interference) < np.sqrt(np.abs(speech) ** 2 + np.abs(interference) ** 2)
    psm, irm = masks.phase_sensitive_mask(clean, noise), masks.ratio_mask(clean, noise)
    larger = psm > irm + 1e-4
    assert larger.mean() > 0.01 and cancel[larger].all()  # larger in places, and only where |Y| < sqrt(|S|^2 + |N|^2)
    assert (psm < irm - 0.05).mean() > 0.05  # and smaller elsewhere, where the noise turns the phase away
