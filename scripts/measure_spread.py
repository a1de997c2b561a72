"""Run-to-run spread of the chapters' numbers: each chapter trained from other seeds at full settings.

    python scripts/measure_spread.py run --seeds 1 2 --chapters 04 05      # executes, minutes per chapter
    python scripts/measure_spread.py report --out benchmarks/SPREAD.md     # the table from what ran

``run`` executes each chapter notebook with ``DAE_QUICK=0`` and ``DAE_SEED=<seed>`` into
``_build/spread/seed<seed>/`` (the executed notebook and its results files). A hidden check that fails
there is reported, not fatal: the point is to see how far the numbers move. ``report`` reads every
``seed*`` folder, the full build in ``--build`` as seed 0 and, with ``--reference``, an earlier full build's
tables (a copy of ``benchmarks/FULL_BUILD.md``), and writes one row per glued number and per measured table
cell that moved: each run's value and the range.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from dae.results import METRICS, processor  # noqa: E402  (the measures a results file may hold; the CPU's name)

BOOK = ROOT / "book"
SPREAD = ROOT / "_build" / "spread"


def chapter_paths(prefixes):
    paths = []
    for prefix in prefixes:
        found = sorted(BOOK.glob(f"{prefix}*.ipynb"))
        if len(found) != 1:
            sys.exit(f"chapter {prefix!r} matches {len(found)} notebooks in {BOOK}; give a unique prefix such as 04")
        paths.append(found[0])
    return paths


def run(seeds, chapters, timeout):
    import nbformat
    from nbclient import NotebookClient

    for seed in seeds:
        folder = SPREAD / f"seed{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        os.environ.update(DAE_QUICK="0", DAE_SEED=str(seed), DAE_RESULTS_DIR=str(folder / "results"))
        for path in chapter_paths(chapters):
            start = time.perf_counter()
            print(f"seed {seed}: executing {path.name} at full settings ...", flush=True)
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(BOOK)}})
            client.execute()
            nbformat.write(nb, folder / path.name)
            errors = [
                (i, out.get("ename"), out.get("evalue", "")[:300])
                for i, cell in enumerate(nb.cells)
                for out in cell.get("outputs", [])
                if out.get("output_type") == "error"
            ]
            took = (time.perf_counter() - start) / 60
            print(f"seed {seed}: {path.name} in {took:.1f} min, {len(errors)} failed cell(s)", flush=True)
            for i, name, value in errors:
                print(f"    cell {i}: {name}: {value}", flush=True)


def glued(nb_path: Path) -> dict:
    """The numbers a chapter glues into its prose: name -> float."""
    nb = json.loads(nb_path.read_text())
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            scrapbook = out.get("metadata", {}).get("scrapbook", {})
            name = scrapbook.get("name")
            text = out.get("data", {}).get(scrapbook.get("mime_prefix", "") + "text/plain")
            if name and text:
                text = "".join(text) if isinstance(text, list) else text
                match = re.fullmatch(r"\s*(?:np\.float\d*\()?(-?[\d.]+(?:e-?\d+)?)\)?\s*", text)
                if match:
                    values[name] = float(match.group(1))
    return values


def table(results_path: Path) -> dict:
    """(setting, method, metric) -> value, from a chapter's results file."""
    rows = json.loads(results_path.read_text()).get("rows", [])
    cells = {}
    for row in rows:
        for metric in METRICS:
            if row.get(metric) is not None:
                cells[(row.get("setting", ""), row.get("method", ""), metric)] = float(row[metric])
    return cells


def full_build_page(path: Path) -> dict:
    """chapter key ('ch04_speech') -> table cells, from the Markdown tables of benchmarks/FULL_BUILD.md."""
    cells: dict = {}
    columns = None
    for line in path.read_text().splitlines():
        if not line.startswith("|"):
            columns = None
            continue
        if set(line.strip()) <= set("|-"):
            continue
        parts = [p.strip() for p in line.strip("|").split("|")]
        if parts[0] == "chapter":
            columns = parts
            continue
        if columns is None or "setting" not in columns:
            continue
        row = dict(zip(columns, parts))
        for title, metric in (
            ("PSNR (dB)", "psnr_db"),
            ("SSIM", "ssim"),
            ("SI-SDR (dB)", "si_sdr_db"),
            ("STOI", "stoi"),
            ("PESQ", "pesq"),
            ("LSD (dB)", "lsd_db"),
        ):
            if row.get(title):
                cells.setdefault(row["chapter"], {})[(row["setting"], row["method"], metric)] = float(row[title])
    return cells


def executed_in_build(build: Path) -> dict:
    """chapter name -> the executed notebook a Jupyter Book build cached, glue outputs included.

    The copies in ``<build>/jupyter_execute`` drop the glue outputs, so the notebooks come from the execution
    cache, whose database names the chapter each cached notebook was executed from (the newest one wins).
    """
    cache = build / ".jupyter_cache"
    found = {}
    with contextlib.closing(sqlite3.connect(cache / "global.db")) as db:
        for hashkey, uri in db.execute("SELECT hashkey, uri FROM nbcache ORDER BY created"):
            path = cache / "executed" / hashkey / "base.ipynb"
            if path.is_file():
                found[Path(uri).stem] = path
    return found


def executed_run(folder: Path) -> tuple[dict, dict]:
    """A run kept in ``folder``: its executed notebooks (``0*.ipynb``) and its results files (``results/ch*.json``)."""
    notebooks = {p.stem: p for p in folder.glob("0*.ipynb")}
    return notebooks, {p.stem[:4]: table(p) for p in (folder / "results").glob("ch*.json")}


def runs(reference: Path | None, build: Path | None, spread: Path = SPREAD, also: dict | None = None):
    """label -> ({chapter: executed notebook} or None, {chapter prefix 'ch04': table cells}).

    ``also`` adds other runs of seed 0 kept as :func:`executed_run` folders, by name: ``{"2026-11-30": folder}``.
    """
    found = {}
    if reference is not None and reference.is_file():
        found["0 (earlier build)"] = (None, {key[:4]: cells for key, cells in full_build_page(reference).items()})
    if build is not None and (build / ".jupyter_cache").is_dir():
        found["0"] = (executed_in_build(build), {p.stem[:4]: table(p) for p in (build / "results").glob("ch*.json")})
    for name, folder in (also or {}).items():
        found[f"0 ({name})"] = executed_run(folder)
    for folder in sorted(spread.glob("seed*")):
        found[folder.name.removeprefix("seed")] = executed_run(folder)
    return found


def fmt(value, digits):
    return "" if value is None else f"{value:.{digits}f}"


def spread_row(values, digits):
    known = [v for v in values if v is not None]
    spread = max(known) - min(known) if len(known) > 1 else None
    return " | ".join(fmt(v, digits) for v in values) + f" | {fmt(spread, digits)} |", spread


def report(out: Path, reference: Path | None, build: Path | None, spread: Path = SPREAD, also: dict | None = None):
    seeds = runs(reference, build, spread, also)
    if len(seeds) < 2:
        sys.exit(f"need at least two runs to measure a spread, found {sorted(seeds)}: run `run` first")
    labels = sorted(seeds, key=lambda s: (int(s.split()[0]), s))
    chapters = sorted({chapter for notebooks, _ in seeds.values() if notebooks for chapter in notebooks})
    lines = [
        "# Run-to-run spread at full settings",
        "",
        f"Measured on {date.today().isoformat()} by `python scripts/measure_spread.py`, on {processor()}, "
        f"Python {platform.python_version()}, {versions()}. Seed 0 is a full build here (`bash scripts/build_book.sh`); "
        "*0 (earlier build)* is the tables of an earlier full build from the same seed; *0 (a name)* is another run of "
        "seed 0, its notebooks executed one by one; the other seeds ran the same notebooks here with `DAE_SEED`. "
        "The data and the noise are the same in every run: only the first weights (between seeds), the shuffling, "
        "the order of the processor's threads and the processor change. *Range* is the largest value less the smallest.",
        "",
    ]
    for chapter in chapters:
        key = f"ch{chapter[:2]}"
        # A run counts for a chapter when it finished it (its executed notebook was written), or is an earlier build's tables.
        finished = {s for s in labels if seeds[s][0] and chapter in seeds[s][0]}
        present = [s for s in labels if s in finished or (seeds[s][0] is None and key in seeds[s][1])]
        if len(present) < 2:
            continue
        lines += [f"## {chapter}", ""]
        with_notebooks = [s for s in present if s in finished]
        if len(with_notebooks) >= 2:
            glue = {s: glued(seeds[s][0][chapter]) for s in with_notebooks}
            lines += [
                "Numbers in the prose and the checks (not kept for the earlier build):",
                "",
                "| number | " + " | ".join(f"seed {s}" for s in with_notebooks) + " | range |",
                "|---" * (len(with_notebooks) + 2) + "|",
            ]
            for name in sorted(set().union(*glue.values())):
                text, _ = spread_row([glue[s].get(name) for s in with_notebooks], 3)
                lines.append(f"| {name} | {text}")
            lines.append("")
        tables = {s: seeds[s][1].get(key, {}) for s in present}
        cells = sorted(set().union(*tables.values()))
        header = [
            "Measured tables (the cells that differ between runs by more than the rounding of `FULL_BUILD.md`):",
            "",
            "| setting | method | measure | " + " | ".join(f"seed {s}" for s in present) + " | range |",
            "|---" * (len(present) + 4) + "|",
        ]
        lines += header
        # benchmarks/FULL_BUILD.md rounds to 2 decimals (3 for STOI and SSIM): differences below that are rounding.
        rounding = {"stoi": 0.0006, "ssim": 0.0006}
        for cell in cells:
            text, spread = spread_row([tables[s].get(cell) for s in present], 3)
            if spread and spread > rounding.get(cell[2], 0.006):
                lines.append(f"| {cell[0]} | {cell[1]} | {cell[2]} | {text}")
        shared = [cell for cell in cells if all(cell in tables[s] for s in present)]
        if lines[-1] == header[-1]:
            lines[-len(header) :] = [f"The {len(shared)} measured table cells the runs share are the same, to the rounding of `FULL_BUILD.md`."]
        if len(shared) < len(cells):  # a renamed method or a new row: say so rather than count it as unchanged
            lines += ["", f"{len(cells) - len(shared)} table cells appear in only some runs (renamed methods or new rows) and are not compared."]
        lines.append("")
    out.write_text("\n".join(lines))
    print(f"wrote {out} ({len(chapters)} chapters, runs {', '.join(labels)})")


def versions() -> str:
    code = "import tensorflow, keras, numpy; print(f'TensorFlow {tensorflow.__version__}, Keras {keras.__version__}, NumPy {numpy.__version__}')"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ | {"TF_CPP_MIN_LOG_LEVEL": "3"}).stdout.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="execute chapters at full settings from other training seeds")
    run_p.add_argument("--seeds", type=int, nargs="+", required=True)
    run_p.add_argument("--chapters", nargs="+", default=["01", "02", "03", "04", "05", "06", "07"])
    run_p.add_argument("--timeout", type=int, default=7200, help="seconds a cell may run")
    rep_p = sub.add_parser("report", help="write the spread table from the runs found")
    rep_p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "SPREAD.md")
    rep_p.add_argument("--reference", type=Path, help="an earlier full build's tables (a copy of benchmarks/FULL_BUILD.md)")
    rep_p.add_argument("--build", type=Path, default=ROOT / "_build", help="the full build to count as seed 0")
    rep_p.add_argument("--spread", type=Path, default=SPREAD, help="the folder of the other seeds' runs (seed1/, seed2/, ...)")
    rep_p.add_argument(
        "--also", nargs="+", default=[], metavar="NAME=FOLDER", help="other runs of seed 0: a folder of executed notebooks with their results/"
    )
    args = parser.parse_args(argv)
    if args.command == "run":
        if any(s < 1 for s in args.seeds):
            sys.exit("seed 0 is the full build's; give seeds from 1 up")
        run(args.seeds, args.chapters, args.timeout)
    else:
        also = dict(item.split("=", 1) for item in args.also if "=" in item)
        if len(also) != len(args.also):
            sys.exit(f"--also takes NAME=FOLDER, got {args.also}")
        report(args.out, args.reference, args.build, args.spread, {name: Path(folder) for name, folder in also.items()})


if __name__ == "__main__":
    main()
