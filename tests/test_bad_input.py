"""Bad input is refused where it enters, with an error that says what is wrong: one case per row of the table.

Each case names the function, the bad arguments (as a call made inside the test), the exception type and a
fragment of its message. Silence and NaN are the usual culprits: a silent output that a measure would score
as well as a real one, or a NaN that would travel on into an average.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from dae import _checks, audio_metrics, baselines, masks, metrics, noise, sliders, sound, spectrogram, train
from dae.data import CorruptDataError
from dae.data._download import decode_wav, read_wav

SR = 8000


def _speech(seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    voiced = np.sin(2 * np.pi * 140 * t) + 0.5 * np.sin(2 * np.pi * 280 * t)
    return (0.2 * voiced * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)) ** 2).astype(np.float32)


SPEECH = _speech()
NOISE = np.random.default_rng(0).standard_normal(SR).astype(np.float32)
FEATURES = masks.mask_features(SPEECH + 0.1 * NOISE)  # (129, frames)
MASK_SHAPE = FEATURES.shape
IMAGES = np.full((2, 28, 28), 0.5, dtype=np.float32)
GAUSSIAN = next(iter(sliders.NOISES))


def _wav_bytes(audio=SPEECH) -> bytes:
    import soundfile as sf

    buffer = io.BytesIO()
    sf.write(buffer, audio, SR, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


class _DivergedModel:
    """Stands in for a Keras model whose training diverged: every output is NaN."""

    def predict(self, inputs, batch_size=None, verbose=0):
        return np.full(np.shape(inputs), np.nan, dtype=np.float32)


CASES = [
    # measures: silence must not score like a real output; short or silent signals have no STOI
    ("si_sdr, all-zero estimate", lambda: audio_metrics.si_sdr(SPEECH, np.zeros_like(SPEECH)), ValueError, "estimate is constant"),
    ("si_sdr, constant estimate", lambda: audio_metrics.si_sdr(SPEECH, np.full_like(SPEECH, 0.3)), ValueError, "estimate is constant"),
    ("si_sdr, silent reference", lambda: audio_metrics.si_sdr(np.zeros_like(SPEECH), SPEECH), ValueError, "reference is constant"),
    ("LSD, all-zero estimate", lambda: audio_metrics.log_spectral_distance(SPEECH, np.zeros_like(SPEECH)), ValueError, "estimate is constant"),
    ("LSD, constant estimate", lambda: audio_metrics.log_spectral_distance(SPEECH, np.full_like(SPEECH, -0.1)), ValueError, "estimate is constant"),
    ("stoi, silent reference", lambda: audio_metrics.stoi(np.zeros_like(SPEECH), SPEECH, SR), ValueError, "reference is silent"),
    ("stoi, 10 samples", lambda: audio_metrics.stoi(SPEECH[:10], SPEECH[:10], SR), ValueError, "too short"),
    ("stoi, 0.1 s", lambda: audio_metrics.stoi(SPEECH[:800], SPEECH[:800], SR), ValueError, "STOI is undefined"),
    ("stoi, NaN rate", lambda: audio_metrics.stoi(SPEECH, SPEECH, float("nan")), ValueError, "sample rate must be"),
    (
        "scores, a measure twice",
        lambda: audio_metrics.scores([SPEECH], [SPEECH], SR, ("si_sdr_db", "si_sdr_db")),
        ValueError,
        "names a measure twice",
    ),
    # sample rates
    ("check_rate, NaN", lambda: _checks.check_rate(float("nan")), ValueError, "sample rate must be a positive whole number"),
    ("check_rate, inf", lambda: _checks.check_rate(float("inf")), ValueError, "sample rate must be a positive whole number"),
    ("check_rate, -inf", lambda: _checks.check_rate(-np.inf), ValueError, "sample rate must be a positive whole number"),
    ("check_rate, 8000.5", lambda: _checks.check_rate(8000.5), ValueError, "sample rate must be a positive whole number"),
    # mixing
    ("mix_at_snr, +250 dB", lambda: sound.mix_at_snr(SPEECH, NOISE, 250.0), ValueError, "within ±200 dB"),
    ("mix_at_snr, -201 dB", lambda: sound.mix_at_snr(SPEECH, NOISE, -201), ValueError, "within ±200 dB"),
    ("scale_to_snr, NaN dB", lambda: sound.scale_to_snr(SPEECH, NOISE, float("nan")), ValueError, "finite number of dB"),
    # spectrogram patches and masks
    ("overlap_add, no patches", lambda: spectrogram.overlap_add(np.zeros((0, 129, 8), np.float32), 4, 1), ValueError, "patches is empty"),
    ("predict_masks, NaN output", lambda: masks.predict_masks(lambda p: np.full(p.shape, np.nan), [FEATURES], 32, 16), ValueError, "NaN or infinite"),
    (
        "predict_masks, output above 1",
        lambda: masks.predict_masks(lambda p: np.full(p.shape, 1.5), [FEATURES], 32, 16),
        ValueError,
        "must lie in [0, 1]",
    ),
    ("apply_mask, NaN mask", lambda: masks.apply_mask(np.full(MASK_SHAPE, np.nan), SPEECH), ValueError, "NaN or infinite"),
    ("apply_mask, mask of 2", lambda: masks.apply_mask(np.full(MASK_SHAPE, 2.0), SPEECH), ValueError, "mask must lie in [0, 1]"),
    ("apply_mask, negative mask", lambda: masks.apply_mask(np.full(MASK_SHAPE, -0.1), SPEECH), ValueError, "mask must lie in [0, 1]"),
    ("mask_to_mel_audio, inf mask", lambda: masks.mask_to_mel_audio(np.full(MASK_SHAPE, np.inf), SPEECH), ValueError, "NaN or infinite"),
    ("spectral_gating, 100 samples", lambda: masks.spectral_gating(SPEECH[:100], SR), ValueError, "fewer than spectral gating's window of 512"),
    ("spectral_gating, shorter than its n_fft", lambda: masks.spectral_gating(SPEECH[:1000], SR, n_fft=2048), ValueError, "window of 2048"),
    # models
    ("train.predict, NaN output", lambda: train.predict(_DivergedModel(), IMAGES), ValueError, "NaN or infinite values"),
    # image measures and noise
    ("ssim, window 7.5", lambda: metrics.ssim(IMAGES, IMAGES, 7.5), ValueError, "win_size must be an odd integer"),
    ("ssim, window 7.0", lambda: metrics.ssim(IMAGES, IMAGES, 7.0), ValueError, "win_size must be an odd integer"),
    ("ssim, window True", lambda: metrics.ssim(IMAGES, IMAGES, True), ValueError, "win_size must be an odd integer"),
    ("random_noise, negative variance", lambda: noise.random_noise(IMAGES, "gaussian", seed=0, var=-0.1), ValueError, "var (the noise variance)"),
    ("random_noise, NaN mean", lambda: noise.random_noise(IMAGES, "gaussian", seed=0, mean=float("nan")), ValueError, "mean must be a finite number"),
    ("random_noise, amount 1.5", lambda: noise.random_noise(IMAGES, "s&p", seed=0, amount=1.5), ValueError, "amount must lie in [0, 1]"),
    ("random_noise, negative local_vars", lambda: noise.random_noise(IMAGES, "localvar", seed=0, local_vars=-IMAGES), ValueError, "local_vars"),
    # classical denoisers: parameters far past anything useful are mistakes
    ("gaussian filter, sigma 1e6", lambda: baselines.denoise("gaussian filter", IMAGES, 1e6), ValueError, "sigma must be at most 100"),
    ("median filter, size 201", lambda: baselines.denoise("median filter", IMAGES, 201), ValueError, "size must be at most 101"),
    ("total variation, weight 1e3", lambda: baselines.denoise("total variation", IMAGES, 1e3), ValueError, "weight must be at most 100"),
    ("non-local means, h 50", lambda: baselines.denoise("non-local means", IMAGES, 50.0), ValueError, "h must be at most 10"),
    ("wavelet, sigma 50", lambda: baselines.tune("wavelet", IMAGES, IMAGES, grid=[0.1, 50.0]), ValueError, "sigma must be at most 10"),
    # slider denoisers must return images like their input: float, finite, in [0, 1]
    (
        "sliders.frame, denoiser returns uint8 0..255",
        lambda: sliders.frame(IMAGES[0], {"bytes": lambda b: np.round(b * 255).astype(np.uint8)}, GAUSSIAN, 0.2),
        TypeError,
        "output of denoiser 'bytes' must be floating point in [0, 1], got dtype uint8",
    ),
    (
        "sliders.frame, denoiser returns 0..255 floats",
        lambda: sliders.frame(IMAGES[0], {"scaled": lambda b: b * 255.0}, GAUSSIAN, 0.2),
        ValueError,
        "output of denoiser 'scaled' must lie in [0, 1]",
    ),
    (
        "sliders.frame, denoiser returns NaN",
        lambda: sliders.frame(IMAGES[0], {"diverged": lambda b: np.full(b.shape, np.nan, np.float32)}, GAUSSIAN, 0.2),
        ValueError,
        "output of denoiser 'diverged' contains NaN",
    ),
    (
        "sliders.static_frames, denoiser returns -1..1",
        lambda: sliders.static_frames(IMAGES, {"tanh": lambda b: 2 * b - 1}, levels=(0.0, 0.1)),
        ValueError,
        "output of denoiser 'tanh' must lie in [0, 1]",
    ),
    ("png_data_uri, a NaN pixel", lambda: sliders.png_data_uri(np.where(np.eye(28) > 0, np.nan, 0.5)), ValueError, "image contains NaN"),
    ("png_data_uri, uint8 pixels", lambda: sliders.png_data_uri(np.full((28, 28), 255, np.uint8)), TypeError, "image must be floating point"),
    # WAV files
    (
        "decode_wav, half a file",
        lambda: decode_wav(_wav_bytes()[: len(_wav_bytes()) // 2], "half.wav"),
        CorruptDataError,
        "half.wav: not a whole WAV file",
    ),
    ("decode_wav, header only", lambda: decode_wav(_wav_bytes()[:40], "header.wav"), CorruptDataError, "header.wav"),
]


@pytest.mark.parametrize("call, error, fragment", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_refused_with_a_clear_error(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_read_wav_of_a_truncated_file_names_it(tmp_path):
    whole = tmp_path / "whole.wav"
    whole.write_bytes(_wav_bytes())
    audio, rate = read_wav(whole)
    assert rate == SR and audio.shape == SPEECH.shape and np.max(np.abs(audio - SPEECH)) < 1e-4
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole.read_bytes()[:-1000])
    with pytest.raises(CorruptDataError, match="truncated") as info:
        read_wav(cut)
    assert str(cut) in str(info.value)


def test_the_guards_leave_valid_input_alone():
    """The edges of each range still pass, and give what they gave before the guards existed."""
    assert _checks.check_rate(8000.0) == 8000
    assert np.isfinite(sound.mix_at_snr(SPEECH, NOISE, 200.0)).all() and np.isfinite(sound.mix_at_snr(SPEECH, NOISE, -200.0)).all()
    ones = masks.apply_mask(np.ones(MASK_SHAPE), SPEECH)
    assert np.max(np.abs(ones - SPEECH)) < 1e-4  # a mask of ones gives the input back
    found = masks.predict_masks(lambda p: np.full(p.shape, 0.25, np.float32), [FEATURES], 32, 16)
    assert found[0].shape == MASK_SHAPE and np.allclose(found[0], 0.25)
    assert len(masks.spectral_gating(SPEECH[:512], SR)) == 512
    assert metrics.ssim(IMAGES, IMAGES, 7)[0] == pytest.approx(1.0)
    assert baselines.check_parameter("median filter", 101) == 101 and baselines.check_parameter("gaussian filter", 100.0) == 100.0
    assert noise.random_noise(IMAGES, "gaussian", seed=0, var=0.0).shape == IMAGES.shape
