"""dae.report's headline table: one row per chapter, made from small hand-made records, never from the real files."""

from __future__ import annotations

import pytest

from dae import report


def _row(setting, method, kind, **metrics):
    return {"setting": setting, "method": method, "kind": kind, **metrics}


def _record(rows, quick=False):
    return {"quick": quick, "device": "CPU", "chapter_seconds": 60.0, "rows": rows}


@pytest.fixture()
def records():
    """Chapters 2 and 4 with their main setting and a distractor setting; no other chapter."""
    ch02 = [
        _row("gauss0.2", "noisy input", "noisy", psnr_db=16.7, ssim=0.61),
        _row("gauss0.2", "median filter (size 3)", "classical", psnr_db=19.4),
        _row("gauss0.2", "non-local means (h 0.15)", "classical", psnr_db=20.2),
        _row("gauss0.2", "tutorial's dense autoencoder", "recipe", psnr_db=22.9),
        # A better model in another setting must not leak into the headline.
        _row("sp0.2", "a model of another noise", "model", psnr_db=40.0),
        _row("sp0.2", "median filter (size 3)", "classical", psnr_db=30.0),
    ]
    ch04 = [
        _row("white_0dB", "noisy input", "noisy", si_sdr_db=-0.01, stoi=0.66),
        _row("white_0dB", "spectral gating", "classical", si_sdr_db=6.7),
        _row("white_0dB", "mask model, mel + Griffin-Lim", "model", si_sdr_db=-16.3),
        _row("white_0dB", "mask model, STFT + noisy phase", "model", si_sdr_db=9.3),
        # The oracle scores higher than any model but is not a method: never the best model.
        _row("white_0dB", "ideal ratio mask", "oracle", si_sdr_db=12.6),
        _row("hello_mel_sp0.2", "the one-clip recipe", "recipe", psnr_db=8.2),
    ]
    return {"ch02_shallow_denoising": _record(ch02), "ch05_speech": _record(ch04)}


def test_one_row_per_recorded_chapter_in_book_order(records):
    rows = report.headline_rows(records)
    assert [r["chapter"] for r in rows] == ["2. Denoising with a shallow autoencoder", "5. A mask denoiser for speech"]


def test_image_row_names_the_best_model_the_best_classical_denoiser_and_the_noisy_input(records):
    row = report.headline_rows(records)[0]
    assert row["setting"] == "Gaussian, σ = 0.2"
    assert row["measure"] == "PSNR"
    assert (row["model"], row["model_value"]) == ("tutorial's dense autoencoder", 22.9)
    assert (row["classical"], row["classical_value"]) == ("non-local means (h 0.15)", 20.2)
    assert row["noisy_value"] == 16.7


def test_sound_row_uses_si_sdr_and_never_takes_the_oracle_for_a_model(records):
    row = report.headline_rows(records)[1]
    assert (row["setting"], row["measure"]) == ("white noise, 0 dB", "SI-SDR")
    assert (row["model"], row["model_value"]) == ("mask model, STFT + noisy phase", 9.3)
    assert (row["classical"], row["classical_value"]) == ("spectral gating", 6.7)
    assert row["noisy_value"] == -0.01


def test_missing_chapters_are_skipped_not_invented(records):
    chapters = " ".join(r["chapter"] for r in report.headline_rows(records))
    assert "1." not in chapters and "3." not in chapters and "6." not in chapters
    assert report.headline_rows({}) == []


def test_chapter_without_its_main_setting_has_no_row():
    records = {"ch03_convolutional": _record([_row("sp0.2", "U-Net", "model", psnr_db=27.1)])}
    assert report.headline_rows(records) == []


def test_chapter_without_noise_leaves_the_classical_and_noisy_cells_empty():
    records = {
        "ch01_autoencoder_basics": _record(
            [_row("clean", "dense, code 32", "model", psnr_db=20.1), _row("clean", "dense, code 128", "model", psnr_db=26.2)]
        )
    }
    (row,) = report.headline_rows(records)
    assert (row["model"], row["model_value"]) == ("dense, code 128", 26.2)
    assert row["classical"] is None and row["classical_value"] is None and row["noisy_value"] is None
    line = report.headline_markdown(records).splitlines()[2]
    assert line == "| 1. Autoencoder basics | none (clean input) | PSNR | dense, code 128 | 26.2 |  |  |  |"


def test_models_closer_than_the_run_to_run_spread_are_named_as_about_equal():
    records = {
        "ch06_animals": _record(
            [
                _row("white_0dB", "speech model, fine-tuned on animals", "model", si_sdr_db=7.2),
                _row("white_0dB", "animal model, from scratch", "model", si_sdr_db=7.0),
                _row("white_0dB", "speech model (Chapter 4)", "model", si_sdr_db=4.6),
            ]
        )
    }
    (row,) = report.headline_rows(records)
    assert row["model"] == "speech model, fine-tuned on animals (about equal: animal model, from scratch)"


def test_markdown_has_a_header_and_one_line_per_row_with_plain_numbers(records):
    lines = report.headline_markdown(records).splitlines()
    assert lines[0].startswith("| chapter | noise | measure | best model |")
    assert len([line for line in lines if line.startswith("| ")]) == 3  # the header and two chapters
    assert "| Gaussian, σ = 0.2 | PSNR | tutorial's dense autoencoder | 22.9 | non-local means (h 0.15) | 20.2 | 16.7 |" in lines[2]
    assert lines[3].endswith("| 9.3 | spectral gating | 6.7 | 0.0 |")  # -0.01 shows as 0.0, not −0.0
    assert "gauss0.2" not in "\n".join(lines) and "white_0dB" not in "\n".join(lines)


def test_negative_scores_get_a_minus_sign():
    records = {"ch05_speech": _record([_row("babble_-5dB", "x", "model", si_sdr_db=-3.3)])}
    assert report.headline_rows(records) == []  # not the main setting
    records = {"ch05_speech": _record([_row("white_0dB", "x", "model", si_sdr_db=-3.3)])}
    assert "| −3.3 |" in report.headline_markdown(records)


def test_a_quick_build_says_its_numbers_test_the_code(records):
    assert "test the code" not in report.headline_markdown(records)
    records["ch02_shallow_denoising"]["quick"] = True
    assert "test the code" in report.headline_markdown(records)


def test_no_results_says_how_to_make_them():
    assert "build the book" in report.headline_markdown({})


def test_every_sound_setting_has_words():
    assert report.setting_label("hum_-5dB") == "hum, −5 dB"
    assert report.setting_label("pink_10dB") == "pink noise, 10 dB"
    assert report.setting_label("sp0.2") == "salt and pepper, 20 %"
    assert report.setting_label("unknown") == "unknown"
    assert report.setting_label("read_babble_0dB") == "read speech, babble, 0 dB"
    assert report.setting_label("read_unknown") == "read_unknown"


def test_generated_digits_get_their_own_table_in_the_report_and_the_appendix(records):
    records = records | {
        "ch07_denoisers_that_generate": _record(
            [
                _row("generation", "generated by the denoiser (DDIM, 50 steps)", "model", confident_pct=36.5, largest_class_pct=22.0, frechet=12.25),
                _row("gauss0.2", "the generator, one pass", "model", psnr_db=21.0),
            ]
        )
    }
    for text in (report.markdown_table(records), report.appendix_markdown(records)):
        generated = [line for line in text.splitlines() if "DDIM" in line]
        assert generated == [
            "| ch07_denoisers_that_generate | generation | generated by the denoiser (DDIM, 50 steps) | model | 36.5 | 22.0 | 12.25 |  | full, CPU |"
        ]
        assert "Fréchet distance" in text and "| the generator, one pass | model | 21.00 |" in text
    assert "Generated digits" in report.markdown_table(records)
    assert "Generated digits" not in report.markdown_table({k: v for k, v in records.items() if k != "ch07_denoisers_that_generate"})


def test_the_page_is_rewritten_whole_or_not_at_all(records, tmp_path, monkeypatch):
    import os

    page = tmp_path / "FULL_BUILD.md"
    before = f"# Numbers\n\n{report.BEGIN}\nold table\n{report.END}\nthe end\n"
    page.write_text(before)

    def interrupted(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(OSError, match="disk full"):
        report.update_readme(page, records)
    assert page.read_text() == before and [p.name for p in tmp_path.iterdir()] == ["FULL_BUILD.md"]
    monkeypatch.undo()
    report.update_readme(page, records)
    text = page.read_text()
    assert (
        text.startswith("# Numbers")
        and text.endswith(f"{report.END}\nthe end\n")
        and "old table" not in text
        and "| ch02_shallow_denoising |" in text
    )
