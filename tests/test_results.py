"""dae.results: the JSON record of each chapter's table, the Markdown table and the README filler."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from dae import report, results
from dae.report import BEGIN, END, main, markdown_table, update_readme
from dae.results import Recorder, load

README = "# Book\n\nIntro.\n\n{begin}\nold table\n{end}\n\nOutro.\n"


@pytest.fixture()
def results_dir(tmp_path, monkeypatch):
    folder = tmp_path / "results"
    monkeypatch.setenv("DAE_RESULTS_DIR", str(folder))
    return folder


@pytest.fixture()
def recorder(results_dir, settings_quick):
    return Recorder("ch01_basics", settings_quick)


@pytest.fixture()
def full_record(results_dir, settings_full):
    """A chapter recorded at full settings: two rows."""
    rec = Recorder("ch02_conv", settings_full)
    rec.add(setting="gauss0.2", method="noisy input", kind="noisy", psnr_db=14.123, ssim=0.21234)
    rec.add(setting="gauss0.2", method="conv autoencoder", kind="model", psnr_db=22.5, ssim=0.8765, seconds=12.345)
    return rec


def _read(recorder) -> dict:
    return json.loads(recorder.path.read_text())


# --- where results go --------------------------------------------------------------------------


def test_results_dir_follows_env_var(results_dir):
    assert results.results_dir() == results_dir


def test_results_dir_default_is_build_results_under_project_root(monkeypatch, tmp_path):
    monkeypatch.delenv("DAE_RESULTS_DIR", raising=False)
    (tmp_path / "_config.yml").write_text("title: test\n")
    (tmp_path / "book").mkdir()
    monkeypatch.chdir(tmp_path / "book")
    assert results.results_dir() == tmp_path.resolve() / "_build" / "results"


def test_recorder_path_is_chapter_json_in_results_dir(recorder, results_dir):
    assert recorder.path == results_dir / "ch01_basics.json"


# --- add ---------------------------------------------------------------------------------------


def test_add_writes_chapter_json_with_the_row(recorder, results_dir):
    recorder.add(setting="gauss0.2", method="noisy input", kind="noisy", psnr_db=14.0, ssim=0.25, seconds=1.234)
    path = results_dir / "ch01_basics.json"
    assert path.is_file()
    record = json.loads(path.read_text())
    assert record["chapter"] == "ch01_basics"
    assert record["rows"] == [
        {
            "setting": "gauss0.2",
            "method": "noisy input",
            "kind": "noisy",
            "psnr_db": 14.0,
            "ssim": 0.25,
            "seconds": 1.23,
            "quick": True,
            "device": "CPU",
        }
    ]


def test_add_records_quick_device_and_seed_at_file_level(recorder):
    recorder.add(setting="s", method="m", kind="model", psnr_db=20.0)
    record = _read(recorder)
    assert record["quick"] is True
    assert record["device"] == "CPU"
    assert record["seed"] == 0
    assert "written" in record


def test_add_without_seconds_records_none(recorder):
    row = recorder.add(setting="s", method="m", kind="classical", ssim=0.5)
    assert row["seconds"] is None
    assert _read(recorder)["rows"][0]["seconds"] is None


def test_add_stores_numpy_numbers_as_plain_floats(recorder):
    import numpy as np

    recorder.add(setting="s", method="m", kind="model", psnr_db=np.float32(21.5), ssim=np.float64(0.75))
    row = _read(recorder)["rows"][0]
    assert row["psnr_db"] == 21.5 and row["ssim"] == 0.75


def test_add_same_setting_and_method_replaces_the_row(recorder):
    recorder.add(setting="gauss0.2", method="dense", kind="model", psnr_db=18.0)
    recorder.add(setting="gauss0.2", method="dense", kind="model", psnr_db=19.5)
    rows = _read(recorder)["rows"]
    assert len(rows) == 1
    assert rows[0]["psnr_db"] == 19.5


def test_add_different_setting_or_method_keeps_both_rows(recorder):
    recorder.add(setting="gauss0.2", method="dense", kind="model", psnr_db=18.0)
    recorder.add(setting="sp0.2", method="dense", kind="model", psnr_db=17.0)
    recorder.add(setting="gauss0.2", method="median", kind="classical", psnr_db=16.0)
    assert len(_read(recorder)["rows"]) == 3


def test_add_unknown_kind_raises(recorder):
    with pytest.raises(ValueError, match="kind"):
        recorder.add(setting="s", method="m", kind="baseline", psnr_db=1.0)


def test_add_unknown_metric_raises(recorder):
    with pytest.raises(ValueError, match="mse"):
        recorder.add(setting="s", method="m", kind="model", mse=0.01)


def test_add_nan_value_raises(recorder):
    with pytest.raises(ValueError, match="psnr_db is nan"):
        recorder.add(setting="s", method="m", kind="model", psnr_db=float("nan"))


def test_add_infinite_value_raises(recorder):
    # Strict JSON has no Infinity: the record must stay readable by any parser.
    with pytest.raises(ValueError, match="psnr_db is inf"):
        recorder.add(setting="s", method="m", kind="model", psnr_db=float("inf"))


def test_add_nan_seconds_raises(recorder):
    with pytest.raises(ValueError, match="seconds is nan"):
        recorder.add(setting="s", method="m", kind="model", psnr_db=20.0, seconds=float("nan"))


def test_rejected_row_is_not_written(recorder):
    with pytest.raises(ValueError):
        recorder.add(setting="s", method="m", kind="model", ssim=float("nan"))
    assert recorder.rows == []
    assert not recorder.path.exists()


def test_add_of_one_value_per_item_records_the_mean_and_its_interval(recorder):
    import numpy as np

    row = recorder.add(setting="s", method="m", kind="model", psnr_db=np.array([20.0, 22.0, 24.0]), ssim=[0.5, 0.7])
    assert row["psnr_db"] == pytest.approx(22.0) and row["ssim"] == pytest.approx(0.6)
    assert row["psnr_db_ci95"] == pytest.approx(1.96 * 2.0 / np.sqrt(3))  # standard deviation 2 over 3 items
    assert row["ssim_ci95"] == pytest.approx(1.96 * np.sqrt(0.02) / np.sqrt(2))


@pytest.mark.parametrize(
    "values, message",
    [
        ({"seconds": -0.5, "psnr_db": 20.0}, r"seconds must lie in \[0.0, inf\], got -0.5"),
        ({"ssim": 1.2}, r"ssim must lie in \[-1.0, 1.0\], got 1.2"),
        ({"ssim": -1.5}, r"ssim must lie in \[-1.0, 1.0\]"),
        ({"stoi": 1.01}, r"stoi must lie in \[-1.0, 1.0\]"),
        ({"stoi": -1.1}, r"stoi must lie in \[-1.0, 1.0\]"),
        ({"pesq": 4.7}, r"pesq must lie in \[-0.5, 4.65\]"),
        ({"pesq": -1.0}, r"pesq must lie in \[-0.5, 4.65\]"),
        ({"lsd_db": -2.0}, r"lsd_db must lie in \[0.0, inf\]"),
        # one value per item: every item is checked, and the offender is named even when the mean is possible
        ({"ssim": [0.9, 0.95, 1.3, 0.2]}, r"ssim must lie in \[-1.0, 1.0\], got 1.3 \(item 2 of 4\)"),
        ({"stoi": [0.7, -1.2, 0.9]}, r"stoi .* \(item 1 of 3\)"),
        ({"psnr_db": [20.0, float("nan")]}, r"psnr_db is nan"),
        ({"psnr_db": "high"}, r"psnr_db must be a number"),
    ],
)
def test_add_refuses_values_no_measurement_gives(recorder, values, message):
    with pytest.raises(ValueError, match=message):
        recorder.add(setting="s", method="m", kind="model", **values)
    assert recorder.rows == [] and not recorder.path.exists()


def test_add_accepts_the_ends_of_each_range(recorder):
    row = recorder.add(setting="s", method="m", kind="model", ssim=[-1.0, 1.0], stoi=[0.0, 1.0], pesq=[-0.5, 4.65], seconds=0.0)
    assert row["ssim"] == 0.0 and row["stoi"] == 0.5 and row["pesq"] == pytest.approx(2.075) and row["seconds"] == 0.0


@pytest.mark.parametrize("field, value", [("setting", ""), ("setting", "  "), ("method", None), ("method", 3), ("setting", ["a"])])
def test_add_needs_a_setting_and_a_method_named_by_text(recorder, field, value):
    names = {"setting": "s", "method": "m"} | {field: value}
    with pytest.raises(ValueError, match=f"{field} must be a non-empty string"):
        recorder.add(kind="model", psnr_db=20.0, **names)
    assert recorder.rows == []


def test_save_replaces_the_file_in_one_step_and_leaves_no_partial_file(recorder, results_dir, monkeypatch):
    recorder.add(setting="s", method="m", kind="model", psnr_db=20.0)
    before = recorder.path.read_text()

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(results.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        recorder.add(setting="s", method="m2", kind="model", psnr_db=21.0)
    assert recorder.path.read_text() == before  # the old record, whole
    assert sorted(p.name for p in results_dir.iterdir()) == ["ch01_basics.json"]
    monkeypatch.undo()
    recorder.save()
    assert [r["method"] for r in load(results_dir)["ch01_basics"]["rows"]] == ["m", "m2"]


@pytest.mark.parametrize("chapter", ["", "../escape", "ch01/basics", "ch 01", "ch01.json", None])
def test_bad_chapter_names_raise(results_dir, settings_quick, chapter):
    with pytest.raises(ValueError, match="chapter"):
        Recorder(chapter, settings_quick)


@pytest.mark.parametrize("chapter", ["ch01_basics", "ch-02", "appendix"])
def test_simple_chapter_names_are_accepted(results_dir, settings_quick, chapter):
    assert Recorder(chapter, settings_quick).chapter == chapter


# --- table and load ----------------------------------------------------------------------------


def test_table_returns_rounded_dataframe(full_record):
    frame = full_record.table()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["setting", "method", "kind", "psnr_db", "ssim", "seconds"]
    assert frame["psnr_db"].tolist() == [14.12, 22.5]
    assert frame["ssim"].tolist() == [0.2123, 0.8765]


def test_table_filters_by_setting(full_record):
    full_record.add(setting="sp0.2", method="median", kind="classical", psnr_db=20.0)
    assert full_record.table("sp0.2")["method"].tolist() == ["median"]


def test_table_of_no_rows_is_empty_dataframe(recorder):
    frame = recorder.table()
    assert isinstance(frame, pd.DataFrame) and frame.empty


def test_load_reads_back_what_was_written(full_record, results_dir):
    records = load()
    assert list(records) == ["ch02_conv"]
    rows = records["ch02_conv"]["rows"]
    assert [(r["setting"], r["method"], r["kind"], r["psnr_db"], r["ssim"], r["seconds"]) for r in rows] == [
        ("gauss0.2", "noisy input", "noisy", 14.123, 0.21234, None),
        ("gauss0.2", "conv autoencoder", "model", 22.5, 0.8765, 12.35),  # seconds kept to two decimals
    ]
    assert records["ch02_conv"]["quick"] is False and records["ch02_conv"]["chapter"] == "ch02_conv"
    assert load(results_dir) == records


@pytest.mark.parametrize("text", ['{"chapter": "ch09", "rows": [', "", "[1, 2]", '{"chapter": "ch09"}'])
def test_load_of_a_file_that_is_not_a_record_names_it(results_dir, full_record, text):
    bad = results_dir / "ch09_broken.json"
    bad.write_text(text)
    with pytest.raises(ValueError, match=r"results file .*ch09_broken\.json"):
        load(results_dir)


def test_load_of_missing_folder_is_empty(tmp_path):
    assert load(tmp_path / "nothing here") == {}


# --- markdown_table ----------------------------------------------------------------------------


def test_markdown_table_contains_the_numbers(full_record):
    text = markdown_table(load())
    assert "| ch02_conv | gauss0.2 | conv autoencoder | model | 22.50 | 0.876 | 12.3 | full, CPU |" in text
    assert "| ch02_conv | gauss0.2 | noisy input | noisy | 14.12 | 0.212 |  | full, CPU |" in text


def test_markdown_table_marks_quick_runs(recorder):
    recorder.add(setting="s", method="m", kind="model", psnr_db=1.0)
    assert "quick, CPU" in markdown_table(load())


def test_markdown_table_has_header_and_one_line_per_row(full_record):
    times, images = markdown_table(load()).split("Images:")
    assert "| ch02_conv | not recorded |  | full, CPU |" in times
    lines = images.strip().splitlines()
    assert lines[0].startswith("| chapter | setting | method | kind | PSNR (dB) | SSIM")
    assert len(lines) == 2 + 2


def test_sound_rows_get_their_own_table(recorder):
    recorder.add(setting="img", method="m", kind="model", psnr_db=20.0, ssim=0.9)
    recorder.add(setting="white_0dB", method="mask", kind="model", si_sdr_db=9.25, stoi=0.8512, pesq=2.1, seconds=3.0)
    recorder.add(setting="white_0dB", method="bark", kind="model", si_sdr_db=7.0, lsd_db=13.11)
    text = markdown_table(load())
    image, sound = text.split("Sound (")
    assert "| img | m | model | 20.00 | 0.900 |" in image and "white_0dB" not in image
    assert "| SI-SDR (dB) | STOI | PESQ | LSD (dB) |" in sound
    assert "| white_0dB | mask | model | 9.25 | 0.851 | 2.10 |  | 3.0 | quick, CPU |" in sound
    assert "| white_0dB | bark | model | 7.00 |  |  | 13.11 |" in sound


def test_no_sound_table_without_sound_rows(full_record):
    assert "Sound (" not in markdown_table(load())


# --- update_readme and main --------------------------------------------------------------------


def test_update_readme_fills_between_markers(tmp_path, full_record):
    readme = tmp_path / "README.md"
    readme.write_text(README.format(begin=BEGIN, end=END))
    update_readme(readme, load())
    text = readme.read_text()
    assert "old table" not in text
    assert text.startswith("# Book\n\nIntro.\n\n" + BEGIN + "\n")
    assert text.endswith(END + "\n\nOutro.\n")
    assert "22.50" in text


def test_update_readme_twice_gives_the_same_text(tmp_path, full_record):
    readme = tmp_path / "README.md"
    readme.write_text(README.format(begin=BEGIN, end=END))
    update_readme(readme, load())
    once = readme.read_text()
    update_readme(readme, load())
    assert readme.read_text() == once


@pytest.mark.parametrize("text", ["no markers", f"only {BEGIN}", f"only {END}", f"{END} reversed {BEGIN}"])
def test_update_readme_without_markers_raises(tmp_path, full_record, text):
    readme = tmp_path / "README.md"
    readme.write_text(text)
    with pytest.raises(ValueError, match="markers"):
        update_readme(readme, load())
    assert readme.read_text() == text


def test_main_refuses_quick_results_in_readme(tmp_path, recorder):
    recorder.add(setting="s", method="m", kind="model", psnr_db=1.0)
    readme = tmp_path / "README.md"
    original = README.format(begin=BEGIN, end=END)
    readme.write_text(original)
    with pytest.raises(SystemExit, match="quick"):
        main(["--readme", str(readme)])
    assert readme.read_text() == original


def test_main_writes_full_results_into_readme(tmp_path, full_record):
    readme = tmp_path / "README.md"
    readme.write_text(README.format(begin=BEGIN, end=END))
    main(["--readme", str(readme)])
    assert "conv autoencoder" in readme.read_text()


def test_main_prints_table_without_readme(full_record, capsys):
    main([])
    assert "conv autoencoder" in capsys.readouterr().out


def test_main_reads_dir_option(tmp_path, full_record, results_dir, capsys, monkeypatch):
    monkeypatch.setenv("DAE_RESULTS_DIR", str(tmp_path / "elsewhere"))
    main(["--dir", str(results_dir)])
    assert "ch02_conv" in capsys.readouterr().out


def test_main_without_results_exits(results_dir):
    with pytest.raises(SystemExit, match="no results"):
        main([])


# --- the chapter's wall time -----------------------------------------------------------------------


def test_chapter_seconds_unset_until_finish(full_record):
    assert _read(full_record)["chapter_seconds"] is None


def test_finish_records_the_time_since_the_process_started(full_record, monkeypatch):
    monkeypatch.setattr(results, "process_seconds", lambda: 123.456)
    table = full_record.finish()
    assert _read(full_record)["chapter_seconds"] == 123.5
    assert list(table["method"]) == ["noisy input", "conv autoencoder"]


def test_process_seconds_counts_from_this_process_start():
    import psutil

    expected = __import__("time").time() - psutil.Process().create_time()
    assert 0 < results.process_seconds() <= expected + 1.0


def _record(quick, seconds):
    return {"quick": quick, "device": "CPU", "chapter_seconds": seconds, "rows": []}


def test_time_table_gives_minutes_beside_the_budget():
    lines = report.time_table({"ch03_convolutional": _record(False, 600.0), "ch05_speech": _record(False, 450.0)})
    budget = report.BUDGET_MINUTES
    assert f"| ch03_convolutional | 10.0 | {budget['ch03_convolutional']} | full, CPU |" in lines
    assert f"| ch05_speech | 7.5 | {budget['ch05_speech']} | full, CPU |" in lines
    assert lines[-1] == f"| all chapters | 17.5 | {budget['ch03_convolutional'] + budget['ch05_speech']} | |"


def test_time_table_says_when_a_time_was_not_recorded():
    lines = report.time_table({"ch03_convolutional": _record(False, None), "ch04_speech": _record(False, 450.0)})
    assert f"| ch03_convolutional | not recorded | {report.BUDGET_MINUTES['ch03_convolutional']} | full, CPU |" in lines
    assert not any(line.startswith("| all chapters") for line in lines)


def test_every_chapter_in_the_toc_has_a_budget():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    chapters = re.findall(r"file:\s*book/(\d\d)_", (root / "_toc.yml").read_text())
    recorded = {name[2:4] for name in report.BUDGET_MINUTES}
    assert chapters and set(chapters) <= recorded, (chapters, sorted(report.BUDGET_MINUTES))
    # The whole book, to each chapter's results, within 90 minutes on the developers' 2-core machine.
    assert sum(report.BUDGET_MINUTES.values()) <= 90


def test_record_names_the_processor_and_the_time_table_says_it(full_record, results_dir):
    record = _read(full_record)
    assert record["processor"].endswith(f"{os.cpu_count()} cores")
    page = report.markdown_table(results.load(results_dir))
    assert f"on {record['processor']}" in page and "factor of 2 to 3" in page


def test_appendix_has_the_time_table_first_then_one_section_per_chapter(full_record, recorder, results_dir):
    recorder.add(setting="white_0dB", method="noisy input", kind="noisy", si_sdr_db=0.01, stoi=0.66)
    page = report.appendix_markdown(results.load(results_dir))
    assert page.index("| chapter | minutes |") < page.index("\n## ")
    sections = [line for line in page.splitlines() if line.startswith("## ")]
    assert len(sections) == 2
    assert "| 22.50 | 0.876 |" in page and "| 0.01 | 0.660 |" in page


def test_chapter_title_reads_the_number_and_name():
    assert report.chapter_title("ch04_speech") == "Chapter 4: speech"
    assert report.chapter_title("ch01_autoencoder_basics") == "Chapter 1: autoencoder basics"
    assert report.chapter_title("other") == "other"


def test_appendix_without_results_says_how_to_make_them(tmp_path):
    assert "build the book" in report.appendix_markdown({})


def test_time_table_leaves_the_budget_out_of_quick_runs():
    lines = report.time_table({"ch03_convolutional": _record(True, 600.0), "ch04_speech": _record(True, 450.0)})
    assert "| ch03_convolutional | 10.0 |  | quick, CPU |" in lines
    assert lines[-1] == "| all chapters | 17.5 |  | |"


def test_value_returns_the_recorded_number(full_record):
    row = full_record.rows[0]
    metric = next(m for m in results.METRICS if row.get(m) is not None)
    assert full_record.value(row["setting"], row["method"], metric) == row[metric]


def test_value_of_a_missing_row_or_metric_names_what_is_there(recorder):
    recorder.add(setting="gauss0.2", method="U-Net", kind="model", psnr_db=25.0)
    with pytest.raises(KeyError, match="nothing recorded for 'median' in 'gauss0.2'.*U-Net"):
        recorder.value("gauss0.2", "median", "psnr_db")
    with pytest.raises(KeyError, match="has no 'ssim'"):
        recorder.value("gauss0.2", "U-Net", "ssim")


# --- what a reader sees: Recorder.show and readable ----------------------------------------------


def _headers(html: str) -> list[str]:
    import re

    return re.findall(r"<th\b[^>]*>(.*?)</th>", html, re.S)


def _cells(html: str) -> list[str]:
    import re

    return [c.strip() for c in re.findall(r"<td\b[^>]*>(.*?)</td>", html, re.S)]


def test_show_has_plain_headers_with_units_and_no_kind(full_record):
    html = full_record.show().to_html()
    assert _headers(html) == ["noise", "method", "PSNR (dB)", "SSIM", "seconds"]
    assert _headers(full_record.show("gauss0.2").to_html()) == ["method", "PSNR (dB)", "SSIM", "seconds"]


def test_show_has_no_index_column(full_record):
    html = full_record.show().to_html()
    assert "row_heading" not in html and "blank" not in html and "index_name" not in html
    assert len(_cells(html)) == 2 * len(_headers(html))  # every cell of a row is data, under a header of its own


def test_show_leaves_missing_values_empty(full_record):
    full_record.add(setting="white_0dB", method="noisy input", kind="noisy", si_sdr_db=0.01, stoi=0.7)
    html = full_record.show().to_html()
    assert _headers(html) == ["noise", "method", "PSNR (dB)", "SSIM", "SI-SDR (dB)", "STOI", "seconds"]
    text = " ".join(_cells(html))
    assert not {"nan", "NaN", "None", "<NA>", "inf"} & set(text.split())
    assert _cells(html)[:7] == ["Gaussian, σ = 0.2", "noisy input", "14.1", "0.212", "", "", ""]


def test_show_names_each_noise_in_words(recorder):
    for setting in ("white_-5dB", "read_babble_0dB", "clean", "my_own_noise"):
        recorder.add(setting=setting, method="m", kind="model", si_sdr_db=1.0)
    assert _cells(recorder.show().to_html())[::3] == ["white noise, −5 dB", "read speech, babble, 0 dB", "none (clean input)", "my_own_noise"]
    assert recorder.table()["setting"].tolist() == ["white_-5dB", "read_babble_0dB", "clean", "my_own_noise"]  # the record keeps its keys


def test_show_gives_each_measure_its_decimals(recorder):
    measures = {"psnr_db": 22.4567, "ssim": 0.87654, "si_sdr_db": -0.04, "stoi": 0.91234, "pesq": 2.3456, "lsd_db": 7.891}
    recorder.add(setting="s", method="m", kind="model", seconds=65.432, **measures)
    assert _cells(recorder.show("s").to_html()) == ["m", "22.5", "0.877", "0.0", "0.91", "2.35", "7.9", "65.4"]  # no "-0.0"


def test_show_uses_the_recorded_values_not_the_rounded_table(recorder):
    recorder.add(setting="s", method="m", kind="model", psnr_db=14.0499)  # table() rounds it to 14.05
    assert _cells(recorder.show("s").to_html()) == ["m", "14.0"]


def test_show_renders_every_row_of_a_long_table(recorder):
    for k in range(75):
        recorder.add(setting=f"noise{k // 5}", method=f"method {k}", kind="model", psnr_db=10 + k / 10)
    with pd.option_context("display.max_rows", 10, "display.min_rows", 4):
        html = recorder.show().to_html()
        rendered = recorder.show()._repr_html_()
    assert html.count("<tr>") == 76 and rendered.count("<tr>") == 76  # the header and all 75 rows
    assert all(f">method {k}<" in html for k in range(75))
    assert "…" not in html and "..." not in html and "rows ×" not in html


def test_show_picks_and_orders_columns(full_record):
    html = full_record.show(columns=["method", "kind", "psnr_db"]).to_html()
    assert _headers(html) == ["method", "kind", "PSNR (dB)"]
    assert _cells(html) == ["noisy input", "noisy", "14.1", "conv autoencoder", "model", "22.5"]
    with pytest.raises(ValueError, match="unknown columns"):
        full_record.show(columns=["method", "psnr"])


def test_show_puts_a_caption_above_the_table(full_record):
    html = full_record.show("gauss0.2", caption="noise: gauss0.2 <b>").to_html()
    assert "<caption>noise: gauss0.2 &lt;b&gt;</caption>" in html and "caption-side: top" in html


def test_show_of_no_rows_is_an_empty_table(recorder):
    html = recorder.show().to_html()
    assert _headers(html) == ["noise", "method"] and _cells(html) == []


def test_readable_turns_a_pivot_into_a_table_with_its_rows_as_the_first_column(full_record):
    pivot = full_record.table().pivot(index="setting", columns="method", values="psnr_db")
    html = results.readable(pivot, index="noise", digits=1).to_html()
    assert _headers(html) == ["noise", "conv autoencoder", "noisy input"]
    assert _cells(html) == ["gauss0.2", "22.5", "14.1"]
    assert _headers(results.readable(pivot).to_html())[0] == "noise"  # a named index keeps its name, "setting" read as "noise"
    assert _headers(results.readable(pivot.rename_axis("clip")).to_html())[0] == "clip"


def test_readable_leaves_out_an_unnamed_index_unless_told_its_name():
    frame = pd.DataFrame({"level (dB)": [-3.14159, float("nan")]}, index=["gating", "model"])
    assert _cells(results.readable(frame, digits=1).to_html()) == ["-3.1", ""]
    assert _cells(results.readable(frame, index="output", digits=1).to_html()) == ["gating", "-3.1", "model", ""]


def test_readable_formats_whole_numbers_infinity_and_missing_text():
    frame = pd.DataFrame({"name": ["a <i>", None], "parameters": [1234567, 12], "PSNR (dB)": [float("inf"), -float("inf")]})
    html = results.readable(frame).to_html()
    assert _cells(html) == ["a &lt;i&gt;", "1,234,567", "∞", "", "12", "-∞"]


def test_readable_renames_headers_and_sets_decimals_per_column():
    frame = pd.DataFrame({"psnr_db": [20.123], "ratio": [0.123456], "other": [1.23456]})
    html = results.readable(frame, headers={"ratio": "ratio (%)"}, digits={"ratio": 4}).to_html()
    assert _headers(html) == ["PSNR (dB)", "ratio (%)", "other"]
    assert _cells(html) == ["20.1", "0.1235", "1.23"]


def test_readable_shows_web_addresses_in_full_as_links():
    url = "https://freesound.org/people/someone/sounds/123/?a=1&b=2"
    html = results.readable(pd.DataFrame({"clip": ["x.wav"], "source": [url]}), links=["source"]).to_html()
    escaped = url.replace("&", "&amp;")
    assert f'<a href="{escaped}">{escaped}</a>' in html
    not_web = results.readable(pd.DataFrame({"source": ["javascript:alert(1)"]}), links=["source"]).to_html()
    assert "<a " not in not_web and ">javascript:alert(1)<" in not_web


def test_readable_keeps_the_first_column_in_view_and_numbers_unbroken():
    styler = results.readable(pd.DataFrame({"method": ["m"], "PSNR (dB)": [1.0]}))
    html = styler.to_html()
    assert 'class="dataframe dae-table"' in html  # the theme's table colours, light and dark
    assert "position: sticky" in html and "left: 0" in html
    assert "dae-number" in html and "white-space: nowrap" in html


def test_readable_refuses_what_it_cannot_show():
    with pytest.raises(ValueError, match="one row of headers"):
        results.readable(pd.DataFrame([[1.0, 2.0]], columns=pd.MultiIndex.from_product([["a"], ["b", "c"]])))
    with pytest.raises(ValueError, match="no columns"):
        results.readable(pd.DataFrame({"a": [1.0]}), digits={"b": 1})
    with pytest.raises(ValueError, match="no columns"):
        results.readable(pd.DataFrame({"a": [1.0]}), links=["b"])


def test_glue_hands_plain_python_numbers_to_the_page(monkeypatch):
    # myst-nb formats a glued value from its repr: NumPy 2 writes 'np.float64(31.0)', which the page cannot format.
    import myst_nb
    import numpy as np

    glued = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=False: glued.__setitem__(name, value))
    results.glue("share", np.float64(31.0))
    results.glue("count", np.int64(7))
    results.glue("text", "seven")
    assert glued == {"share": 31.0, "count": 7, "text": "seven"}
    assert type(glued["share"]) is float and type(glued["count"]) is int
