"""dae.audio_metrics: SI-SDR against its definition, STOI and PESQ through their packages, errors, and the batch evaluation."""

from __future__ import annotations

import time

import numpy as np
import pytest

from dae import sound
from dae.audio_metrics import evaluate, pesq_nb, scores, si_sdr, stoi

SR = 8000


def _speech(seconds: float = 3.0, seed: int = 0) -> np.ndarray:
    """A syllable-like signal: gliding harmonics under a 3 Hz envelope (PESQ and STOI treat it as speech)."""
    t = np.arange(int(seconds * SR)) / SR
    pitch = 110 + 30 * np.sin(2 * np.pi * 0.7 * t + seed)
    phase = 2 * np.pi * np.cumsum(pitch) / SR
    envelope = np.clip(np.sin(2 * np.pi * 1.5 * t), 0, None) ** 1.5
    voice = sum(np.sin(k * phase) / k for k in range(1, 25))
    return (0.2 * envelope * voice + 1e-3 * np.random.default_rng(seed).standard_normal(t.size)).astype(np.float32)


@pytest.fixture()
def speech() -> np.ndarray:
    return _speech()


# --- SI-SDR ------------------------------------------------------------------------------------


def test_si_sdr_of_an_exact_copy_is_very_large_but_finite(speech):
    value = si_sdr(speech, speech)
    assert np.isfinite(value) and value > 100


@pytest.mark.parametrize("snr", [-5.0, 0.0, 10.0])
def test_si_sdr_of_speech_plus_independent_noise_is_about_the_snr(speech, snr):
    noisy = sound.noisy_mixture(speech, "white", snr, SR, seed=2)
    # Independent noise barely projects onto the speech, so SI-SDR = SNR up to a small correction.
    assert si_sdr(speech, noisy) == pytest.approx(snr, abs=0.3)


def test_si_sdr_ignores_scale_and_offset_of_the_estimate(speech):
    noisy = sound.noisy_mixture(speech, "white", 3.0, SR, seed=3)
    base = si_sdr(speech, noisy)
    for gain in (0.01, 0.5, 7.0, -2.0):
        assert si_sdr(speech, gain * noisy) == pytest.approx(base, abs=1e-6)
    assert si_sdr(speech, noisy + 0.3) == pytest.approx(base, abs=1e-6)  # zero-mean: a DC offset does not count


def test_si_sdr_matches_its_definition_on_a_hand_made_example():
    reference = np.array([1.0, -1.0, 2.0, -2.0])  # zero mean
    error = np.array([1.0, 1.0, -1.0, -1.0])  # zero mean, orthogonal to the reference
    estimate = 0.5 * reference + error
    # target = 0.5 * reference (energy 0.25 * 10), distortion = error (energy 4)
    assert si_sdr(reference, estimate) == pytest.approx(10 * np.log10(2.5 / 4.0), abs=1e-9)


def test_si_sdr_of_a_batch_is_one_value_per_row(speech):
    refs = np.stack([speech, speech[::-1].copy()])
    ests = np.stack([sound.noisy_mixture(r, "white", s, SR, seed=0) for r, s in zip(refs, (0.0, 10.0))])
    values = si_sdr(refs, ests)
    assert values.shape == (2,)
    np.testing.assert_allclose(values, [si_sdr(refs[0], ests[0]), si_sdr(refs[1], ests[1])])


def test_si_sdr_rejects_bad_input(speech):
    with pytest.raises(ValueError, match="same length"):
        si_sdr(speech, speech[:-1])
    with pytest.raises(ValueError, match="constant"):
        si_sdr(np.full(100, 0.5), np.ones(100))
    with pytest.raises(ValueError, match="NaN"):
        si_sdr(speech, np.full_like(speech, np.nan))
    with pytest.raises(TypeError, match="floating point"):
        si_sdr((speech * 1000).astype(np.int32), speech)


# --- STOI and PESQ -----------------------------------------------------------------------------


def test_stoi_is_one_for_a_copy_and_falls_with_noise(speech):
    assert stoi(speech, speech, SR) == pytest.approx(1.0, abs=1e-6)
    values = [stoi(speech, sound.noisy_mixture(speech, "white", snr, SR, seed=4), SR) for snr in (10.0, 0.0, -10.0)]
    assert 1.0 > values[0] > values[1] > values[2]


def test_stoi_refuses_too_little_speech_instead_of_returning_its_placeholder(speech):
    with pytest.raises(ValueError, match="30 frames"):
        stoi(speech[:1500], speech[:1500], SR)


def test_pesq_is_about_4_5_for_a_copy_and_falls_with_noise(speech):
    assert pesq_nb(speech, speech) > 4.4
    values = [pesq_nb(speech, sound.noisy_mixture(speech, "white", snr, SR, seed=5)) for snr in (20.0, 5.0, -5.0)]
    assert values[0] > values[1] > values[2] >= 1.0


def test_pesq_resamples_other_rates_to_8khz(speech):
    noisy = sound.noisy_mixture(speech, "white", 5.0, SR, seed=6)
    at_16k = pesq_nb(sound.resample(speech, SR, 16000), sound.resample(noisy, SR, 16000), sr=16000)
    assert at_16k == pytest.approx(pesq_nb(speech, noisy), abs=0.15)


def test_pesq_turns_library_errors_into_clear_value_errors(speech):
    with pytest.raises(ValueError, match="no speech"):
        pesq_nb(np.zeros_like(speech), speech)
    with pytest.raises(ValueError, match="0.25 s"):
        pesq_nb(speech[:1000], speech[:1000])
    with pytest.raises(ValueError, match="estimate is silent"):
        pesq_nb(speech, np.zeros_like(speech))
    with pytest.raises(ValueError, match="sample rate"):
        pesq_nb(speech, speech, sr=0)


# --- batches -----------------------------------------------------------------------------------


def test_evaluate_returns_the_means_of_scores_under_the_results_names():
    refs = [_speech(2.0 + 0.5 * k, seed=k) for k in range(4)]
    ests = [sound.noisy_mixture(r, "pink", 5.0, SR, seed=k) for k, r in enumerate(refs)]
    per_pair = scores(refs, ests, SR)
    assert set(per_pair) == {"si_sdr_db", "stoi", "pesq"}
    assert all(v.shape == (4,) for v in per_pair.values())
    means = evaluate(refs, ests, SR)
    assert means == {k: pytest.approx(float(v.mean())) for k, v in per_pair.items()}
    from dae.results import METRICS

    assert set(means) <= set(METRICS)


def test_evaluate_names_the_pair_that_fails():
    refs = [_speech(2.0, seed=0), _speech(2.0, seed=1)]
    ests = [refs[0], np.zeros_like(refs[1])]
    with pytest.raises(ValueError, match=r"pair 1: estimate is constant \(silent"):
        evaluate(refs, ests, SR)
    with pytest.raises(ValueError, match="pair 1: estimate is silent"):  # PESQ says it too, when asked alone
        evaluate(refs, ests, SR, measures=("pesq",))


def test_evaluate_rejects_mismatched_batches():
    refs = [_speech(2.0)]
    with pytest.raises(ValueError, match="1 references but 2 estimates"):
        evaluate(refs, refs * 2, SR)
    with pytest.raises(ValueError, match="empty"):
        evaluate([], [], SR)
    with pytest.raises(ValueError, match="sequence of signals"):
        evaluate(refs[0], refs[0], SR)


def test_evaluate_is_fast_enough_for_a_test_set():
    refs = [_speech(3.0, seed=k) for k in range(10)]
    ests = [sound.noisy_mixture(r, "white", 0.0, SR, seed=k) for k, r in enumerate(refs)]
    start = time.perf_counter()
    evaluate(refs, ests, SR)
    # About 0.1 s per 3 s utterance on a laptop core, so 100 utterances take seconds; generous for busy CI.
    assert time.perf_counter() - start < 15


# --- Log-spectral distance and the choice of measures -------------------------------------------


def test_log_spectral_distance_is_zero_for_identical_and_grows_with_noise(speech):
    from dae.audio_metrics import log_spectral_distance

    assert log_spectral_distance(speech, speech) == pytest.approx(0.0, abs=1e-9)
    assert log_spectral_distance(speech, 3.0 * speech) == pytest.approx(20 * np.log10(3.0), abs=0.05)
    distances = [log_spectral_distance(speech, sound.noisy_mixture(speech, "white", snr, SR, seed=2)) for snr in (20, 10, 0)]
    assert distances[0] < distances[1] < distances[2]
    with pytest.raises(ValueError, match="silent"):
        log_spectral_distance(np.zeros(800, np.float32), speech[:800])
    with pytest.raises(ValueError, match="floor_db"):
        log_spectral_distance(speech, speech, floor_db=0)


def test_measures_pick_what_scores_and_evaluate_compute(speech):
    from dae.audio_metrics import SOUND_MEASURES

    noisy = sound.noisy_mixture(speech, "pink", 5.0, SR, seed=3)
    means = evaluate([speech, speech], [noisy, speech], SR, measures=SOUND_MEASURES)
    assert set(means) == {"si_sdr_db", "lsd_db"}
    assert means["lsd_db"] > 0
    with pytest.raises(ValueError, match="measures must be"):
        scores([speech], [noisy], SR, measures=("loudness",))
    with pytest.raises(ValueError, match="measures must be"):
        scores([speech], [noisy], SR, measures="lsd_db")


def test_silence_never_scores_as_a_denoiser():
    """A silent or constant output is refused by SI-SDR and the log-spectral distance instead of scoring 0 dB (or less)."""
    from dae.audio_metrics import log_spectral_distance

    speech = _speech(2.0)
    noisy = speech + 2.0 * np.random.default_rng(3).standard_normal(speech.size).astype(np.float32) * speech.std()
    assert si_sdr(speech, noisy) < 0  # a real, bad output: below what silence would have scored
    for silent in (np.zeros_like(speech), np.full_like(speech, 0.25)):
        with pytest.raises(ValueError, match="estimate is constant"):
            si_sdr(speech, silent)
        with pytest.raises(ValueError, match="estimate is constant"):
            log_spectral_distance(speech, silent)
    with pytest.raises(ValueError, match="estimate is constant"):
        si_sdr(speech[None, :], np.zeros((1, speech.size), np.float32))
    assert np.isfinite(si_sdr(speech, 1e-6 * speech))  # quiet is not silent: scale does not matter


def test_stoi_refuses_a_silent_reference_and_too_short_signals():
    speech = _speech(2.0)
    with pytest.raises(ValueError, match="reference is silent"):
        stoi(np.zeros_like(speech), speech, SR)
    for samples in (10, 200, 1000):
        with pytest.raises(ValueError, match="STOI is undefined here"):
            stoi(speech[:samples], speech[:samples], SR)
