"""dae.audio: noise at an exact SNR, the noise makers, features and their inverses, patches, reference denoisers, players and plots."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from conftest import speechlike as _speechlike
from scipy.signal import welch

from dae import audio as A

SR = 8000


def _snr(clean, noise) -> float:
    clean, noise = np.asarray(clean, np.float64), np.asarray(noise, np.float64)
    return 10 * np.log10(np.sum(clean**2) / np.sum(noise**2))


@pytest.fixture()
def clean() -> np.ndarray:
    return _speechlike()


@pytest.fixture(scope="module")
def fsdd_speech() -> list[np.ndarray]:
    """Four real 2-5 s utterances of the held-out speakers (skipped without the FSDD mirror)."""
    from conftest import mirror_root

    from dae.data import fsdd_split, join_utterances, load_fsdd

    if not (mirror_root() / "fsdd" / "recordings").is_dir():
        pytest.skip(f"no FSDD mirror under {mirror_root()}; set DAE_DATA_DIR")
    _, test = fsdd_split(load_fsdd(mirror_root()))
    return join_utterances(test, "lucas", 2, seed=0)[0] + join_utterances(test, "theo", 2, seed=0)[0]


@pytest.fixture()
def pool() -> list[np.ndarray]:
    """Stand-ins for other speakers' recordings: short signals of different pitch and length."""
    return [(_speechlike(0.3 + 0.1 * k, seed=k) * (1 + k % 3)).astype(np.float32) for k in range(8)]


# --- mixing at an exact SNR --------------------------------------------------------------------


@pytest.mark.parametrize("snr", [-10.0, -5.0, 0.0, 5.0, 12.5, 30.0])
@pytest.mark.parametrize("kind", ["white", "pink", "hum"])
def test_mix_at_snr_is_exact_to_a_hundredth_of_a_db(clean, snr, kind):
    noise = A.make_noise(kind, len(clean), SR, seed=3)
    assert abs(_snr(clean, A.scale_to_snr(clean, noise, snr)) - snr) < 0.01
    noisy = A.mix_at_snr(clean, noise, snr)
    assert noisy.dtype == np.float32 and noisy.shape == clean.shape
    assert abs(_snr(clean, noisy.astype(np.float64) - clean) - snr) < 0.01


def test_mix_at_snr_does_not_depend_on_the_noise_level(clean):
    noise = A.white(len(clean), seed=1)
    np.testing.assert_allclose(A.mix_at_snr(clean, noise, 3.0), A.mix_at_snr(clean, 100 * noise, 3.0), rtol=1e-5, atol=1e-6)


def test_mix_at_snr_adds_noise_without_changing_the_clean_part(clean):
    noise = A.pink(len(clean), seed=2)
    noisy = A.mix_at_snr(clean, noise, 6.0)
    np.testing.assert_allclose(noisy, clean + A.scale_to_snr(clean, noise, 6.0), atol=1e-6)


@pytest.mark.parametrize("snr", [float("nan"), float("inf"), -float("inf"), "5", None, True])
def test_mix_at_snr_rejects_an_snr_that_is_not_a_finite_number(clean, snr):
    with pytest.raises(ValueError, match="snr_db"):
        A.mix_at_snr(clean, A.white(len(clean), 0), snr)


def test_mix_at_snr_rejects_different_lengths_silence_and_bad_arrays(clean):
    with pytest.raises(ValueError, match="same length"):
        A.mix_at_snr(clean, A.white(len(clean) - 1, 0), 0.0)
    with pytest.raises(ValueError, match="clean is silent"):
        A.mix_at_snr(np.zeros(100, np.float32), A.white(100, 0), 0.0)
    with pytest.raises(ValueError, match="noise is silent"):
        A.mix_at_snr(clean, np.zeros_like(clean), 0.0)
    with pytest.raises(ValueError, match="1-D"):
        A.mix_at_snr(np.stack([clean, clean]), np.stack([clean, clean]), 0.0)
    with pytest.raises(TypeError, match="floating point"):
        A.mix_at_snr((clean * 32767).astype(np.int16), A.white(len(clean), 0), 0.0)
    broken = clean.copy()
    broken[10] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        A.mix_at_snr(broken, A.white(len(clean), 0), 0.0)
    with pytest.raises(ValueError, match="empty"):
        A.mix_at_snr(np.array([], np.float32), np.array([], np.float32), 0.0)


# --- the noise makers --------------------------------------------------------------------------


@pytest.mark.parametrize("maker", [lambda n, s: A.white(n, s), lambda n, s: A.pink(n, s), lambda n, s: A.hum(n, SR, seed=s)])
def test_noise_makers_are_reproducible_float32_of_unit_level(maker):
    a, b, c = maker(16000, 5), maker(16000, 5), maker(16000, 6)
    assert a.dtype == np.float32 and a.shape == (16000,)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.sqrt(np.mean(a.astype(np.float64) ** 2)) == pytest.approx(1.0, rel=0.05)


def test_white_noise_has_a_flat_spectrum():
    freqs, power = welch(A.white(2**16, seed=0), fs=SR, nperseg=512)
    band = (freqs > 100) & (freqs < 3900)
    slope = np.polyfit(np.log10(freqs[band]), np.log10(power[band]), 1)[0]
    assert abs(slope) < 0.1


def test_pink_noise_power_falls_as_one_over_f():
    freqs, power = welch(A.pink(2**17, seed=0), fs=SR, nperseg=2048)
    band = (freqs > 20) & (freqs < 3500)
    slope = np.polyfit(np.log10(freqs[band]), np.log10(power[band]), 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.15)


def test_pink_noise_has_no_dc_offset():
    assert abs(float(np.mean(A.pink(10001, seed=1)))) < 1e-6


def test_hum_has_its_energy_at_the_fundamental_and_harmonics():
    x = A.hum(SR * 4, SR, freq=50.0, harmonics=3)
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / SR)
    at = {f: spectrum[np.argmin(np.abs(freqs - f))] for f in (50, 100, 150, 200)}
    assert at[50] > at[100] > at[150] > 1e6 * at[200]  # amplitudes 1, 1/2, 1/3, nothing at the 4th
    assert sum(at[f] for f in (50, 100, 150)) / spectrum.sum() > 0.999


def test_hum_phases_are_zero_without_a_seed():
    np.testing.assert_array_equal(A.hum(1000, SR), A.hum(1000, SR))
    assert A.hum(1000, SR)[0] == 0.0


@pytest.mark.parametrize(
    "kwargs, match",
    [(dict(freq=1000.0, harmonics=4), "Nyquist"), (dict(freq=-50.0), "freq"), (dict(harmonics=0), "harmonics")],
)
def test_hum_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        A.hum(1000, SR, **kwargs)


def test_babble_is_a_reproducible_sum_of_pool_voices(pool):
    a = A.babble(pool, 12000, seed=1)
    np.testing.assert_array_equal(a, A.babble(pool, 12000, seed=1))
    assert not np.array_equal(a, A.babble(pool, 12000, seed=2))
    assert a.dtype == np.float32 and a.shape == (12000,)
    assert np.sqrt(np.mean(a.astype(np.float64) ** 2)) == pytest.approx(1.0, rel=1e-3)


def test_babble_with_one_talker_is_a_stretch_of_pool_recordings(pool):
    one = A.babble(pool, 2000, seed=4, talkers=1)
    head = one[:400].astype(np.float64)
    head /= np.linalg.norm(head)

    def best_match(piece):  # the highest normalised correlation of ``head`` with any 400-sample window
        piece = piece.astype(np.float64)
        windows = np.sqrt(np.convolve(piece**2, np.ones(400), mode="valid"))
        return float(np.max(np.abs(np.correlate(piece, head, mode="valid")) / np.maximum(windows, 1e-12)))

    # A stretch of a recording, only rescaled: some window of some recording matches it exactly.
    assert max(best_match(p) for p in pool if len(p) >= 400) > 0.999
    assert best_match(A.white(3000, 0)) < 0.5


def test_babble_talkers_count_changes_the_mix(pool):
    two = A.babble(pool, 8000, seed=0, talkers=2)
    six = A.babble(pool, 8000, seed=0, talkers=6)
    # More independent voices: a less peaky, more Gaussian sum (lower kurtosis).
    kurtosis = lambda x: float(np.mean(x.astype(np.float64) ** 4))  # noqa: E731 (unit RMS, so this is the kurtosis)
    assert kurtosis(six) < kurtosis(two)


def test_babble_checks_its_pool_and_talkers(pool):
    with pytest.raises(ValueError, match="non-empty pool"):
        A.babble([], 100, seed=0)
    with pytest.raises(ValueError, match="talkers"):
        A.babble(pool, 100, seed=0, talkers=0)
    with pytest.raises(ValueError, match="talkers"):
        A.babble(pool, 100, seed=0, talkers=(6, 4))

    class Rec:
        audio, sample_rate = pool[0], 16000

    with pytest.raises(ValueError, match="16000 Hz"):
        A.babble([Rec()], 100, seed=0, sr=SR)


@pytest.mark.parametrize("seed", [-1, None, 1.5, "7", True])
def test_noise_makers_require_a_reproducible_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        A.white(100, seed)


@pytest.mark.parametrize("n", [0, -5, 2.5, True])
def test_noise_makers_require_a_positive_int_length(n):
    with pytest.raises(ValueError, match="positive int"):
        A.pink(n, seed=0)


# --- add_noise ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", A.NOISE_KINDS)
def test_add_noise_dispatches_by_name_at_the_exact_snr(clean, pool, kind):
    noisy = A.add_noise(clean, kind, 5.0, SR, seed=7, babble_pool=pool)
    noise = A.make_noise(kind, len(clean), SR, seed=7, babble_pool=pool)
    np.testing.assert_allclose(noisy, A.mix_at_snr(clean, noise, 5.0), atol=1e-7)
    assert abs(_snr(clean, noisy.astype(np.float64) - clean) - 5.0) < 0.01


def test_add_noise_kinds_differ(clean, pool):
    outs = {k: A.add_noise(clean, k, 0.0, SR, seed=1, babble_pool=pool) for k in A.NOISE_KINDS}
    for a in A.NOISE_KINDS:
        for b in A.NOISE_KINDS:
            if a < b:
                assert not np.allclose(outs[a], outs[b])


def test_add_noise_rejects_unknown_kinds_and_babble_without_a_pool(clean):
    with pytest.raises(ValueError, match="unknown noise kind 'brown'"):
        A.add_noise(clean, "brown", 0.0, SR, seed=0)
    with pytest.raises(ValueError, match="babble_pool"):
        A.add_noise(clean, "babble", 0.0, SR, seed=0)
    with pytest.raises(ValueError, match="sample rate"):
        A.add_noise(clean, "white", 0.0, 0, seed=0)
    with pytest.raises(ValueError, match="snr_db"):
        A.add_noise(clean, "white", float("nan"), SR, seed=0)


# --- features and their inverses ---------------------------------------------------------------


def test_feature_shapes_follow_the_module_constants(clean):
    frames = 1 + len(clean) // A.HOP
    assert A.stft(clean).shape == (A.N_FFT // 2 + 1, frames)
    assert A.stft_log_magnitude(clean).shape == (129, frames)
    assert A.mel_log_power(clean).shape == (A.N_MELS, frames)
    assert A.stft_log_magnitude(clean).dtype == np.float32


def test_normalised_features_lie_mostly_in_zero_one(clean):
    for features in (A.stft_log_magnitude(clean), A.mel_log_power(clean)):
        assert features.min() >= 0.0 and features.max() <= 1.0
        assert features.max() > 0.5  # the speech reaches well up the scale


def test_normalise_round_trip_is_exact_above_the_floor():
    rng = np.random.default_rng(0)
    magnitude = 10 ** rng.uniform(A.DB_MIN / 20, A.DB_MAX / 20 + 0.5, size=(129, 50))
    for power in (False, True):
        values = magnitude**2 if power else magnitude
        np.testing.assert_allclose(A.denormalise(A.normalise(values, power=power), power=power), values, rtol=1e-5)
    unit = rng.uniform(0, 1.1, size=(64, 30)).astype(np.float32)
    np.testing.assert_allclose(A.normalise(A.denormalise(unit)), unit, atol=1e-5)


def test_normalise_maps_the_fixed_db_scale_to_zero_one():
    levels = np.array([0.0, 10 ** (A.DB_MIN / 20), 1.0, 10 ** (A.DB_MAX / 20)])
    np.testing.assert_allclose(A.normalise(levels), [0.0, 0.0, -A.DB_MIN / (A.DB_MAX - A.DB_MIN), 1.0], atol=1e-6)
    np.testing.assert_allclose(A.normalise(levels**2, power=True), A.normalise(levels), atol=1e-6)


def test_normalise_rejects_complex_negative_or_non_finite_input(clean):
    for bad in (A.stft(clean), -np.ones(3), np.array([1.0, np.inf])):
        with pytest.raises(ValueError, match="non-negative"):
            A.normalise(bad)
    with pytest.raises(ValueError):
        A.denormalise(np.array([0.5, np.nan]))


def test_stft_features_with_the_signals_own_phase_give_the_signal_back(clean):
    back = A.inverse_stft_log_magnitude(A.stft_log_magnitude(clean), clean)
    assert back.shape == clean.shape and back.dtype == np.float32
    assert np.max(np.abs(back - clean)) < 1e-3
    again = A.inverse_stft_log_magnitude(A.stft_log_magnitude(clean), A.stft(clean), length=len(clean))
    np.testing.assert_allclose(again, back, atol=1e-6)


def test_clean_magnitude_with_noisy_phase_is_closer_to_clean_than_the_noisy_input(clean):
    noisy = A.add_noise(clean, "white", 0.0, SR, seed=0)
    estimate = A.inverse_stft_log_magnitude(A.stft_log_magnitude(clean), noisy)
    assert _snr(clean, estimate - clean) > _snr(clean, noisy - clean) + 3


def test_inverse_stft_checks_shapes_and_length(clean):
    features = A.stft_log_magnitude(clean)
    with pytest.raises(ValueError, match="shape"):
        A.inverse_stft_log_magnitude(features[:, :-1], clean)
    with pytest.raises(ValueError, match="length"):
        A.inverse_stft_log_magnitude(features, A.stft(clean))


def test_mel_griffin_lim_recovers_the_magnitude_spectrum(clean):
    back = A.inverse_mel_log_power(A.mel_log_power(clean), len(clean))
    assert back.shape == clean.shape and back.dtype == np.float32
    np.testing.assert_array_equal(back, A.inverse_mel_log_power(A.mel_log_power(clean), len(clean)))  # seeded
    # The phase is invented, so compare magnitudes: the mel spectrogram of the result matches the original.
    error = np.mean(np.abs(A.mel_log_power(back) - A.mel_log_power(clean)) * (A.DB_MAX - A.DB_MIN))
    assert error < 3.0  # mean error in dB
    noise_error = np.mean(np.abs(A.mel_log_power(A.white(len(clean), 0) * 0.05) - A.mel_log_power(clean))) * (A.DB_MAX - A.DB_MIN)
    assert error < noise_error / 4


# --- patches and overlap-add -------------------------------------------------------------------


@pytest.mark.parametrize("frames, width, hop", [(251, 32, 16), (251, 32, 32), (100, 16, 5), (20, 32, 8), (32, 32, 1)])
def test_patches_then_overlap_add_is_the_identity(frames, width, hop):
    spec = np.random.default_rng(frames).random((129, frames)).astype(np.float32)
    cut = A.patches(spec, width, hop)
    assert cut.shape[1:] == (129, width)
    assert (cut.shape[0] - 1) * hop + width >= frames  # every frame is covered
    assert (cut.shape[0] - 2) * hop + width < frames or cut.shape[0] == 1  # and no patch is wasted
    np.testing.assert_allclose(A.overlap_add(cut, hop, frames), spec, rtol=1e-6)
    np.testing.assert_allclose(A.overlap_add(cut[..., None], hop, frames), spec, rtol=1e-6)  # Keras' channel axis


def test_patches_are_the_right_slices_and_pad_with_silence():
    spec = np.arange(3 * 10, dtype=np.float32).reshape(3, 10)
    cut = A.patches(spec, width=4, hop=3)
    assert cut.shape == (3, 3, 4)  # starts 0, 3, 6; the last one runs to frame 9
    np.testing.assert_array_equal(cut[1], spec[:, 3:7])
    np.testing.assert_array_equal(cut[2], spec[:, 6:10])
    short = A.patches(spec[:, :2], width=4, hop=2, pad_value=-1.0)
    np.testing.assert_array_equal(short[0][:, 2:], -1.0)


def test_overlap_add_averages_where_patches_overlap():
    cut = np.stack([np.zeros((2, 4)), np.ones((2, 4))])
    np.testing.assert_allclose(A.overlap_add(cut, hop=2, length=6)[0], [0, 0, 0.5, 0.5, 1, 1])


def test_patches_reject_bad_steps_and_shapes():
    spec = np.zeros((5, 20))
    with pytest.raises(ValueError, match="hop"):
        A.patches(spec, width=4, hop=5)
    with pytest.raises(ValueError, match="width"):
        A.patches(spec, width=0, hop=1)
    with pytest.raises(ValueError, match="freq, time"):
        A.patches(np.zeros(20), width=4, hop=2)
    with pytest.raises(ValueError, match="length"):
        A.overlap_add(A.patches(spec, 4, 2), hop=2, length=40)
    with pytest.raises(ValueError, match="shape"):
        A.overlap_add(np.zeros((3, 4)), hop=2, length=4)


# --- reference denoisers -----------------------------------------------------------------------


def test_spectral_gating_silences_stationary_noise_between_words(clean):
    quiet_then_voice = np.concatenate([np.zeros(SR, np.float32), clean])
    noisy = A.add_noise(quiet_then_voice, "white", 5.0, SR, seed=0)
    gated = A.spectral_gating(noisy, SR)
    assert gated.shape == noisy.shape and gated.dtype == np.float32
    gap = slice(SR // 4, 3 * SR // 4)  # well inside the first, noise-only second
    assert _snr(noisy[gap], gated[gap]) > 10  # the noise there is at least 10 dB quieter


def test_spectral_gating_improves_real_speech_in_white_noise(fsdd_speech):
    from dae.audio_metrics import si_sdr

    gains = []
    for k, clean in enumerate(fsdd_speech):
        noisy = A.add_noise(clean, "white", 0.0, SR, seed=k)
        gains.append(si_sdr(clean, A.spectral_gating(noisy, SR)) - si_sdr(clean, noisy))
    assert np.mean(gains) > 3.0  # about 7 dB measured on the held-out speakers


def test_spectral_gating_passes_options_to_noisereduce(clean):
    noisy = A.add_noise(clean, "white", 5.0, SR, seed=0)
    untouched = A.spectral_gating(noisy, SR, prop_decrease=0.0)  # reduce nothing
    # noisereduce's own STFT round trip and mask smoothing are not exact: about 20 dB, far from the gated result
    assert _snr(noisy, untouched - noisy) > 15
    assert _snr(noisy, A.spectral_gating(noisy, SR) - noisy) < 10
    with pytest.raises(ValueError, match="sample rate"):
        A.spectral_gating(noisy, -1)


def test_ideal_ratio_mask_beats_the_noisy_input_by_a_wide_margin(clean):
    noise = A.scale_to_snr(clean, A.white(len(clean), 1), 0.0)
    estimate = A.ideal_ratio_mask(clean, noise)
    assert estimate.shape == clean.shape and estimate.dtype == np.float32
    assert _snr(clean, estimate - clean) > 8.0


def test_ideal_ratio_mask_is_one_without_noise_and_zero_without_speech(clean):
    tiny = 1e-9 * A.white(len(clean), 0)
    assert A.ratio_mask(clean, tiny)[:, 20:-20].mean() > 0.99
    mask = A.ratio_mask(tiny, A.white(len(clean), 1))
    assert mask.max() < 1e-6 and mask.min() >= 0.0


def test_ideal_ratio_mask_checks_its_inputs(clean):
    with pytest.raises(ValueError, match="same length"):
        A.ideal_ratio_mask(clean, clean[:-1])


# --- players and plots -------------------------------------------------------------------------


def _embedded_wav(html: str) -> tuple[np.ndarray, int]:
    import soundfile as sf

    payload = html.split("data:audio/wav;base64,", 1)[1].split('"', 1)[0]
    return sf.read(io.BytesIO(base64.b64decode(payload)), dtype="float32")


def test_player_embeds_the_sound_as_a_data_uri(clean):
    html = A.player(clean, SR)._repr_html_()
    assert "<audio" in html and "data:audio/wav;base64," in html and "http" not in html
    decoded, rate = _embedded_wav(html)
    assert rate == SR and decoded.shape == clean.shape
    assert np.abs(decoded).max() == pytest.approx(1.0, abs=1e-3)  # normalised to full scale


def test_player_without_normalisation_keeps_the_level_and_refuses_clipping(clean):
    decoded, _ = _embedded_wav(A.player(clean, SR, normalize=False)._repr_html_())
    np.testing.assert_allclose(decoded, clean, atol=1e-4)
    with pytest.raises(ValueError, match="peak"):
        A.player(clean * 10, SR, normalize=False)


def test_player_of_silence_is_silent_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        decoded, _ = _embedded_wav(A.player(np.zeros(800, np.float32), SR)._repr_html_())
    assert not np.any(decoded)


def test_players_share_one_scale_so_loudness_compares(clean):
    html = A.players({"loud": clean * 2, "quiet <i>": clean * 0.5}, SR).data
    assert "quiet &lt;i&gt;" in html  # labels are escaped
    first, second = html.split("<tr>")[1:]
    loud, _ = _embedded_wav(first)
    quiet, _ = _embedded_wav(second)
    assert np.abs(loud).max() == pytest.approx(1.0, abs=1e-3)
    assert np.abs(quiet).max() == pytest.approx(0.25, abs=1e-3)


@pytest.mark.parametrize("kind, ylabel", [("stft", "frequency (Hz)"), ("mel", "frequency (Hz)")])
def test_plot_spectrograms_draws_one_labelled_panel_per_signal_and_one_colour_bar(clean, kind, ylabel):
    signals = {"clean": clean, "noisy": A.add_noise(clean, "white", 0.0, SR, seed=0), "hum": A.add_noise(clean, "hum", 0.0, SR, seed=0)}
    fig = A.plot_spectrograms(signals, SR, kind=kind, ncols=2)
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert [ax.get_title() for ax in panels] == list(signals)
    assert all(ax.get_xlabel() == "time (s)" and ax.get_ylabel() == ylabel for ax in panels)
    colour_bars = [ax for ax in fig.axes if ax.get_ylabel() == "level (dB)"]
    assert len(colour_bars) == 1
    limits = {tuple(ax.collections[0].get_clim()) for ax in panels}
    assert len(limits) == 1  # one colour scale for every panel
    fig.canvas.draw()


def test_plot_spectrograms_rejects_bad_arguments(clean):
    with pytest.raises(ValueError, match="kind"):
        A.plot_spectrograms({"a": clean}, SR, kind="cqt")
    with pytest.raises(ValueError, match="non-empty"):
        A.plot_spectrograms({}, SR)


# --- resampling and reading --------------------------------------------------------------------


def test_resample_keeps_a_tone_at_its_frequency():
    tone = np.sin(2 * np.pi * 440 * np.arange(44100) / 44100).astype(np.float32)
    down = A.resample(tone, 44100, SR)
    assert down.shape == (SR,)
    assert np.argmax(np.abs(np.fft.rfft(down))) == 440  # 1 Hz bins over one second
    np.testing.assert_array_equal(A.resample(tone, SR, SR), tone)


def test_read_wav_returns_float32_mono(tmp_path, clean):
    import soundfile as sf

    stereo = np.stack([clean, clean * 0.5], axis=1)
    sf.write(tmp_path / "x.wav", stereo, SR, subtype="PCM_16")
    audio, rate = A.read_wav(tmp_path / "x.wav")
    assert rate == SR and audio.dtype == np.float32 and audio.shape == clean.shape
    np.testing.assert_allclose(audio, clean * 0.75, atol=1e-4)
