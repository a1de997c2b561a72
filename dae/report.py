"""The recorded results as Markdown: each chapter's headline, the time table, every measured row, the book's results appendix.

``python -m dae`` prints them; ``python -m dae --page benchmarks/FULL_BUILD.md`` fills that page's markers
with the last full build's tables; ``book/appendix_results.md`` shows the headlines and the appendix at build time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .results import load, results_dir, write_atomically
from .tables import SETTING_LABELS, setting_label  # noqa: F401  (the chapters call dae.report.setting_label)

# Minutes each chapter may take at full settings on a 2-core CPU with no GPU, from a clean model cache, to its results
# table (the exercise solutions after it not counted). The full build of 2026-12-01 on a 2-core AMD EPYC met each with
# a little room (benchmarks/FULL_BUILD.md); processors differ by 2 to 3 times.
BUDGET_MINUTES = {
    "ch01_autoencoder_basics": 7,
    "ch02_shallow_denoising": 11,
    "ch03_convolutional": 28,
    "ch04_picture": 2,
    "ch05_speech": 13,
    "ch06_animals": 15,
    "ch07_denoisers_that_generate": 7,
}

IMAGE_COLUMNS = (("PSNR (dB)", "psnr_db", 2), ("SSIM", "ssim", 3))
SOUND_COLUMNS = (("SI-SDR (dB)", "si_sdr_db", 2), ("STOI", "stoi", 3), ("PESQ", "pesq", 2), ("LSD (dB)", "lsd_db", 2))
GENERATION_COLUMNS = (("confident (%)", "confident_pct", 1), ("largest class (%)", "largest_class_pct", 1), ("Fréchet distance", "frechet", 2))


def _group(row: dict) -> str:
    """Which table a recorded row belongs in: 'sound' (it has SI-SDR), 'generation' (a Fréchet distance) or 'images'."""
    if row.get("si_sdr_db") is not None:
        return "sound"
    return "generation" if row.get("frechet") is not None else "images"


_GROUPS = {
    "images": ("Images:", IMAGE_COLUMNS),
    "sound": ("Sound (STOI and PESQ measure speech only; LSD is the log-spectral distance):", SOUND_COLUMNS),
    "generation": ("Generated digits (judged by a digit classifier; a lower Fréchet distance is closer to real digits):", GENERATION_COLUMNS),
}


def _run(record: dict) -> str:
    # How a chapter's numbers were made: "full, CPU", "quick, GPU (...)".
    return ("quick" if record.get("quick") else "full") + f", {record.get('device', '?')}"


def _table(records: dict[str, dict], columns, keep) -> list[str]:
    names = " | ".join(title for title, _, _ in columns)
    lines = [f"| chapter | setting | method | kind | {names} | seconds | run |", "|---|---|---|---|" + "---|" * len(columns) + "---|---|"]
    for chapter, record in records.items():
        run = _run(record)
        for r in record["rows"]:
            if not keep(r):
                continue

            def fmt(key, digits):
                return "" if r.get(key) is None else f"{r[key]:.{digits}f}"

            values = " | ".join(fmt(key, digits) for _, key, digits in columns)
            lines.append(f"| {chapter} | {r['setting']} | {r['method']} | {r['kind']} | {values} | {fmt('seconds', 1)} | {run} |")
    return lines


def _measured_on(records: dict[str, dict]) -> str:
    """' on <processor>' (or ' on <a> and <b>') for the processors the records name; '' if none does."""
    processors = sorted({r.get("processor") for r in records.values() if r.get("processor")})
    return f" on {' and '.join(processors)}" if processors else ""


def time_table(records: dict[str, dict]) -> list[str]:
    """One line per chapter: its recorded wall time in minutes beside its budget (``BUDGET_MINUTES``).

    The budgets are for full settings: a quick run's line leaves its budget empty rather than compare the two.
    """
    lines = ["| chapter | minutes | budget at full settings (minutes) | run |", "|---|---|---|---|"]
    for chapter, record in records.items():
        seconds, budget = record.get("chapter_seconds"), BUDGET_MINUTES.get(chapter)
        budget = None if record.get("quick") else budget
        run = _run(record)
        minutes = "not recorded" if seconds is None else f"{seconds / 60:.1f}"
        lines.append(f"| {chapter} | {minutes} | {'' if budget is None else budget} | {run} |")
    total = [r.get("chapter_seconds") for r in records.values()]
    if total and None not in total:
        full = not any(r.get("quick") for r in records.values())
        budget = sum(BUDGET_MINUTES.get(c, 0) for c in records) if full else ""
        lines.append(f"| all chapters | {sum(total) / 60:.1f} | {budget} | |")
    return lines


def markdown_table(records: dict[str, dict]) -> str:
    """The chapters' times (from the kernel's start to the results table), then every recorded row in chapter
    order: one Markdown table for images (PSNR, SSIM), then, if any, one for sound and one for generated digits.

    A row measured on sound (it has ``si_sdr_db``) goes to the sound table, with SI-SDR, STOI, PESQ and LSD; a row
    with a Fréchet distance to the generation table.
    """
    lines = [
        f"Time per chapter{_measured_on(records)}, from its kernel's start to its results table (the exercise solutions after it "
        "not counted). Processors differ in speed by a factor of 2 to 3: on a slower one, expect up to three times these minutes.",
        "",
    ] + time_table(records)
    present = {_group(r) for record in records.values() for r in record["rows"]} | {"images"}
    for group, (title, columns) in _GROUPS.items():
        if group in present:
            lines += ["", title, ""] + _table(records, columns, lambda r, group=group: _group(r) == group)
    return "\n".join(lines)


def chapter_title(key: str) -> str:
    """'ch05_speech' -> 'Chapter 5: speech'; other names unchanged."""
    if len(key) > 5 and key[:2] == "ch" and key[2:4].isdigit() and key[4] == "_":
        return f"Chapter {int(key[2:4])}: {key[5:].replace('_', ' ')}"
    return key


def appendix_markdown(records: dict[str, dict] | None = None) -> str:
    """The book's results appendix: the time table, then one section per chapter with its measured rows."""
    records = load() if records is None else records
    if not records:
        return f"No chapter has recorded results in `{results_dir()}` yet: build the book (`bash scripts/build_book.sh`) first."
    lines = [f"Each chapter's time{_measured_on(records)}, from its kernel's start to its results table, beside its budget:", ""]
    lines += time_table(records)
    for chapter, record in records.items():
        lines += ["", f"## {chapter_title(chapter)}", ""]
        tables = []
        for group, (_, columns) in _GROUPS.items():
            rows = [r for r in record["rows"] if _group(r) == group]
            if rows:
                tables.append(_table({chapter: record | {"rows": rows}}, columns, lambda r: True))
        lines += sum((([""] if i else []) + table for i, table in enumerate(tables)), [])
    return "\n".join(lines)


# Each chapter's main result: the noise setting it leads with and the measure it is judged by (higher is better).
HEADLINES = {
    "ch01_autoencoder_basics": ("clean", "psnr_db"),
    "ch02_shallow_denoising": ("gauss0.2", "psnr_db"),
    "ch03_convolutional": ("gauss_shift0.5", "psnr_db"),
    "ch05_speech": ("white_0dB", "si_sdr_db"),
    "ch06_animals": ("white_0dB", "si_sdr_db"),
}
# The chapters' titles as the table of contents gives them.
CHAPTER_TITLES = {
    "ch01_autoencoder_basics": "1. Autoencoder basics",
    "ch02_shallow_denoising": "2. Denoising with a shallow autoencoder",
    "ch03_convolutional": "3. Convolutional autoencoders",
    "ch04_picture": "4. Sound as a picture",
    "ch05_speech": "5. A mask denoiser for speech",
    "ch06_animals": "6. Cats and dogs",
    "ch07_denoisers_that_generate": "7. Denoisers that generate",
}
MEASURE_NAMES = {"psnr_db": "PSNR", "si_sdr_db": "SI-SDR"}  # both in dB
MODEL_KINDS = ("model", "recipe")  # trained networks: the chapter's own and the recipes it reproduces
# Two trained models closer than this (dB) are about equal: run-to-run spread can swap them (benchmarks/SPREAD.md).
ABOUT_EQUAL_DB = 0.3


def headline_rows(records: dict[str, dict]) -> list[dict]:
    """One row per chapter of ``HEADLINES`` that has recorded its main setting, in book order.

    Each row: ``chapter`` (its title), ``setting`` (in words), ``measure`` (its name; both measures are in dB), ``model`` and
    ``model_value`` (the trained network that scored highest; others within ``ABOUT_EQUAL_DB`` are named
    beside it), ``classical`` and ``classical_value`` (the best classical denoiser), ``noisy_value`` (the
    noisy input). What a chapter did not record is None; a chapter with no results, or without a trained
    model in its main setting, has no row.
    """
    rows = []
    for chapter, (setting, metric) in HEADLINES.items():
        if chapter not in records:
            continue
        measured = [r for r in records[chapter].get("rows", []) if r.get("setting") == setting and r.get(metric) is not None]

        def best(kinds):
            candidates = [r for r in measured if r.get("kind") in kinds]
            return sorted(candidates, key=lambda r: -r[metric])

        models, classical, noisy = best(MODEL_KINDS), best(("classical",)), best(("noisy",))
        if not models:
            continue
        top = models[0]
        equal = [r["method"] for r in models[1:] if top[metric] - r[metric] < ABOUT_EQUAL_DB]
        name = top["method"] + (f" (about equal: {', '.join(equal)})" if equal else "")
        rows.append(
            {
                "chapter": CHAPTER_TITLES.get(chapter, chapter_title(chapter)),
                "setting": setting_label(setting),
                "measure": MEASURE_NAMES.get(metric, metric),
                "model": name,
                "model_value": top[metric],
                "classical": classical[0]["method"] if classical else None,
                "classical_value": classical[0][metric] if classical else None,
                "noisy_value": noisy[0][metric] if noisy else None,
            }
        )
    return rows


def headline_markdown(records: dict[str, dict] | None = None) -> str:
    """:func:`headline_rows` as a Markdown table, numbers with one decimal, empty cells where nothing was measured."""
    records = load() if records is None else records
    rows = headline_rows(records)
    if not rows:
        return f"No chapter has recorded its main result in `{results_dir()}` yet: build the book (`bash scripts/build_book.sh`) first."

    def number(value):
        if value is None:
            return ""
        text = f"{value:.1f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.") else text.replace("-", "−")  # no "−0.0"

    lines = [
        "| chapter | noise | measure | best model | dB | best classical denoiser | dB | noisy input (dB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        scores = [number(r["model_value"]), r["classical"] or "", number(r["classical_value"]), number(r["noisy_value"])]
        cells = [r["chapter"], r["setting"], r["measure"], r["model"], *scores]
        lines.append("| " + " | ".join(cells) + " |")
    if any(records[c].get("quick") for c in HEADLINES if c in records):
        lines += ["", "This build ran on less data, with fewer epochs, than the chapters describe: its numbers test the code, not the methods."]
    return "\n".join(lines)


BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def update_readme(readme: Path, records: dict[str, dict]) -> None:
    """Replace the text between the results markers in ``readme`` with the table of ``records``."""
    text = readme.read_text()
    if BEGIN not in text or END not in text or text.index(BEGIN) > text.index(END):
        raise ValueError(f"{readme} has no {BEGIN} ... {END} markers, in that order, to fill")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    # Through a temporary file: a reader of the page meanwhile sees the old text or the new, never half of it.
    write_atomically(readme, f"{head}{BEGIN}\n{markdown_table(records)}\n{END}{tail}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Show the recorded results, or write them into the README.")
    parser.add_argument("--dir", help="results folder (default: $DAE_RESULTS_DIR or _build/results)")
    parser.add_argument(
        "--page", "--readme", dest="readme", help="fill the results markers of this Markdown page (benchmarks/FULL_BUILD.md) instead of printing"
    )
    args = parser.parse_args(argv)
    records = load(args.dir)
    if not records:
        raise SystemExit(f"no results files in {args.dir or results_dir()}: build the book first")
    if any(r.get("quick") for r in records.values()) and args.readme:
        raise SystemExit("refusing to put quick-mode results in the README: build the book at full settings")
    if args.readme:
        update_readme(Path(args.readme), records)
    else:
        print(markdown_table(records))


if __name__ == "__main__":
    main()
