"""One table per noise setting and the robustness sweep, on a few synthetic digits."""

import numpy as np
import pytest

from dae import evaluate, noise
from dae import sound as dae_sound
from dae.results import Recorder
from dae.settings import Settings


@pytest.fixture()
def strokes():
    """24 digit-like images: thick white bars on black, 28x28, in [0, 1]."""
    rng = np.random.RandomState(0)
    images = np.zeros((24, 28, 28), np.float32)
    for img in images:
        r, c = rng.randint(4, 20, size=2)
        img[r : r + 6, 4:24] = 1.0
        img[4:24, c : c + 4] = 1.0
    return images


@pytest.fixture()
def recorder(tmp_path, monkeypatch):
    monkeypatch.setenv("DAE_RESULTS_DIR", str(tmp_path))
    return Recorder("ch_test", Settings(quick=True, seed=0, device="CPU"))


def test_noise_setting_table_records_noisy_classical_and_models(strokes, recorder):
    clean_val, clean_test = strokes[:12], strokes[12:]
    noisy_val = noise.gaussian(clean_val, 0.2, seed=1)
    noisy_test = noise.gaussian(clean_test, 0.2, seed=2)
    classical = evaluate.noise_setting_table(
        recorder,
        "gauss0.2",
        clean_test,
        noisy_test,
        clean_val,
        noisy_val,
        {"dimmed copy": (lambda images: 0.9 * clean_test, 1.5, "model")},
    )
    kinds = [r["kind"] for r in recorder.rows]
    assert kinds == ["noisy"] + ["classical"] * len(classical) + ["model"]
    rows = {r["method"]: r for r in recorder.rows}
    assert rows["noisy input"]["psnr_db"] == pytest.approx(
        float(np.mean(10 * np.log10(1 / np.mean((clean_test - noisy_test) ** 2, axis=(1, 2))))), abs=1e-4
    )
    assert all(r["psnr_db"] > rows["noisy input"]["psnr_db"] for r in recorder.rows if r["kind"] == "classical")
    expected = np.mean(-10 * np.log10(0.01 * np.mean(clean_test**2, axis=(1, 2))))  # error is 0.1 * clean
    assert rows["dimmed copy"]["psnr_db"] == pytest.approx(expected, abs=1e-3)
    assert rows["dimmed copy"]["seconds"] == 1.5


def test_noise_setting_table_accepts_channel_images(strokes, recorder):
    clean = strokes[..., None]
    noisy = noise.gaussian(clean, 0.2, seed=1)
    classical = evaluate.noise_setting_table(recorder, "gauss0.2", clean[12:], noisy[12:], clean[:12], noisy[:12], {})
    assert all(result.denoised.shape == (12, 28, 28) for result in classical.values())


def test_best_classical_follows_validation_scores(strokes):
    clean_val, clean_test = strokes[:12], strokes[12:]
    classical = evaluate.baselines.tune_and_apply(
        noise.salt_and_pepper(clean_val, 0.2, seed=1), clean_val, noise.salt_and_pepper(clean_test, 0.2, seed=2)
    )
    name = evaluate.best_classical(classical)
    best = classical[name].val_scores[classical[name].parameter]
    assert all(best >= r.val_scores[r.parameter] for r in classical.values())
    with pytest.raises(ValueError, match="no classical"):
        evaluate.best_classical({})


def test_robustness_curves_fall_as_noise_grows(strokes):
    curves = evaluate.robustness(strokes[12:], strokes[:12], [0.0, 0.1, 0.3], {"identity": lambda x: x}, "median filter")
    assert set(curves) == {"noisy input", "median filter (re-tuned at each level)", "identity"}
    assert np.isnan(curves["noisy input"][0]) and np.isinf(curves["identity"][0])
    assert curves["noisy input"][1] > curves["noisy input"][2]
    assert curves["identity"][1:] == pytest.approx(curves["noisy input"][1:])


def test_robustness_rejects_unknown_classical_name(strokes):
    with pytest.raises(ValueError, match="bilateral"):
        evaluate.robustness(strokes[12:], strokes[:12], [0.1], {}, "bilateral")


def _tones(count=2, sr=8000, seconds=0.5):
    t = np.arange(int(sr * seconds)) / sr
    return [0.1 * np.sin(2 * np.pi * (300 + 100 * k) * t).astype(np.float32) for k in range(count)]


def test_sound_setting_table_records_noisy_each_denoiser_and_the_oracle(recorder):
    clean = _tones()
    rng = np.random.default_rng(0)
    noises = [0.1 / np.sqrt(2) * rng.standard_normal(len(c)).astype(np.float32) for c in clean]  # the tones' power
    calls = []

    def halve(noisy):
        calls.append(len(noisy))
        return [0.5 * y for y in noisy]

    per_item = {}
    outputs = evaluate.sound_setting_table(recorder, "white_0dB", clean, noises, {"halve": ("classical", halve)}, 8000, ("si_sdr_db",), per_item)
    assert calls == [2]  # one call with every clip
    assert list(outputs) == ["noisy input", "halve", "ideal ratio mask", "ideal phase-sensitive mask"]
    assert set(per_item) == set(outputs) and all(len(scores["si_sdr_db"]) == 2 for scores in per_item.values())
    assert rows_mean(recorder, "halve") == pytest.approx(per_item["halve"]["si_sdr_db"].mean())
    np.testing.assert_allclose(outputs["noisy input"][1], clean[1] + noises[1])
    rows = {r["method"]: r for r in recorder.rows}
    assert rows["noisy input"]["kind"] == "noisy" and rows["noisy input"]["seconds"] is None
    assert rows["halve"]["kind"] == "classical" and rows["halve"]["seconds"] >= 0
    # Scaling does not change SI-SDR; the oracle mask beats the noisy input by far.
    assert recorder.value("white_0dB", "halve", "si_sdr_db") == pytest.approx(recorder.value("white_0dB", "noisy input", "si_sdr_db"), abs=1e-4)
    assert recorder.value("white_0dB", "ideal ratio mask", "si_sdr_db") > recorder.value("white_0dB", "noisy input", "si_sdr_db") + 5
    # The phase-sensitive mask is the best mask for the wave: at least as good as the ratio mask.
    assert recorder.value("white_0dB", "ideal phase-sensitive mask", "si_sdr_db") > recorder.value("white_0dB", "ideal ratio mask", "si_sdr_db")
    assert abs(recorder.value("white_0dB", "noisy input", "si_sdr_db")) < 1.0  # equal power: about 0 dB
    assert "si_sdr_db_ci95" in rows["halve"]  # one score per clip: the record keeps an interval


def rows_mean(recorder, method):
    return next(r["si_sdr_db"] for r in recorder.rows if r["method"] == method)


def test_sound_sweep_names_settings_keeps_outputs_and_scores_each_clip(recorder):
    clean = _tones(3)
    lines = []

    def noise_for(kind, k, snr):
        noise = np.random.default_rng(k).standard_normal(len(clean[k])).astype(np.float32)
        return dae_sound.scale_to_snr(clean[k], noise, snr)

    kept, per_item = evaluate.sound_sweep(
        recorder,
        clean,
        noise_for,
        ["white"],
        [0, 10],
        {"copy": ("classical", list)},
        8000,
        ("si_sdr_db",),
        extra={"white_10dB": {"halve": ("model", lambda noisy: [0.5 * y for y in noisy])}},
        keep=["white_10dB"],
        log=lines.append,
    )
    assert list(per_item) == ["white_0dB", "white_10dB"] and list(kept) == ["white_10dB"]
    assert "halve" in per_item["white_10dB"] and "halve" not in per_item["white_0dB"]
    assert len(lines) == 2 and lines[0].strip().startswith("white_0dB")
    for snr in (0, 10):
        assert recorder.value(f"white_{snr}dB", "noisy input", "si_sdr_db") == pytest.approx(snr, abs=0.5)
    table = evaluate.measure_table(recorder, "si_sdr_db", ["noisy input", "copy"], ["white_10dB", "white_0dB"])
    assert list(table.index) == ["white_10dB", "white_0dB"] and table.loc["white_0dB", "copy"] == pytest.approx(table.loc["white_0dB", "noisy input"])
    spread = evaluate.spread_by_group(per_item, ["a", "b", "a"], "white_0dB", "si_sdr_db")
    scores = per_item["white_0dB"]["noisy input"]["si_sdr_db"]
    assert spread.loc["noisy input", "a"] == pytest.approx((scores[0] + scores[2]) / 2)
    assert spread.loc["noisy input", "lowest"] == pytest.approx(min((scores[0] + scores[2]) / 2, scores[1]))
    with pytest.raises(ValueError, match="groups names 2 clips"):
        evaluate.spread_by_group(per_item, ["a", "b"], "white_0dB", "si_sdr_db")
    with pytest.raises(ValueError, match="no scores for setting"):
        evaluate.spread_by_group(per_item, ["a", "b", "a"], "pink_0dB", "si_sdr_db")


def test_timed_returns_the_result_and_a_time():
    result, seconds = evaluate.timed(lambda: 41 + 1)
    assert result == 42 and 0 <= seconds < 1


def test_sound_setting_table_needs_one_noise_per_clip(recorder):
    with pytest.raises(ValueError, match="2 clean signals and 1 noises"):
        evaluate.sound_setting_table(recorder, "white_0dB", _tones(), _tones(1), {}, 8000)
