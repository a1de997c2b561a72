"""The command line of ``python -m dae.bench``: one child process per model, then one Markdown page.

Each model is measured in a process of its own (``--child``), so its peak memory is its own; the parent
collects the rows and writes the page (:mod:`dae.bench.report`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .lab import bench_labs
from .measure import bench_images, bench_speech
from .precision import bench_precision
from .report import markdown, precision_markdown, run_facts
from .schedules import MODELS


def _child(name: str, quick: bool, target: float | None, out: Path) -> None:
    row = bench_speech(quick) if name == "ch04-mask" else bench_images(name, quick, target)
    out.write_text(json.dumps(row))


def main(argv=None) -> None:
    """Parse ``argv`` (default: the command line) and measure; see ``python -m dae.bench --help``."""
    parser = argparse.ArgumentParser(prog="python -m dae.bench", description=sys.modules[__package__].__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="less data and fewer epochs, the same code")
    parser.add_argument("--only", nargs="+", choices=MODELS, help="measure these models only")
    parser.add_argument(
        "--precision",
        action="store_true",
        help="instead: train each image model's schedule under each dtype policy (float32, mixed float16/bfloat16), "
        "on whichever Keras backend is active; writes benchmarks/PRECISION.md unless --out says otherwise",
    )
    parser.add_argument("--out", help="the Markdown page to write (default: benchmarks/RESULTS.md)")
    parser.add_argument("--child", choices=MODELS, help=argparse.SUPPRESS)
    parser.add_argument("--target", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.quick, args.target, Path(args.json))
        return
    names = [m for m in MODELS if not args.only or m in args.only]
    if args.precision:
        rows = []
        for name in names:
            if name == "ch04-mask":
                continue  # its patches are made on the CPU each epoch; the image models show what the policies do
            print(f"measuring {name} under each dtype policy ...", flush=True)
            rows += bench_precision(name, args.quick)
        _write(precision_markdown(rows, run_facts(args.quick)), args.out or "benchmarks/PRECISION.md")
        return
    import keras

    if keras.backend.backend() != "tensorflow":
        raise SystemExit(
            f"Keras runs on {keras.backend.backend()} here: the full benchmark times the chapters' tf.data pipeline and needs "
            "TensorFlow (KERAS_BACKEND=tensorflow); --precision runs on any backend"
        )
    rows, target = [], None
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            out = Path(folder) / f"{name}.json"
            command = [sys.executable, "-m", "dae.bench", "--child", name, "--json", str(out)] + (["--quick"] if args.quick else [])
            if name == "ch03-unet":
                if target is None:
                    raise SystemExit("ch03-unet is held to ch03-conv's seed schedule: measure ch03-conv in the same run")
                command += ["--target", str(target)]
            print(f"measuring {name} ...", flush=True)
            start = time.perf_counter()
            subprocess.run(command, check=True)
            row = json.loads(out.read_text())
            if name == "ch03-conv":
                target = row["target_psnr"]
            rows.append(row)
            print(f"  {name}: done in {time.perf_counter() - start:.0f} s", flush=True)
    print("timing the denoising labs in headless Chromium ...", flush=True)
    labs = bench_labs([row["model"] for row in rows])
    for row in rows:
        row["lab_update_ms"] = labs.get(row["model"])
    _write(markdown(rows, run_facts(args.quick)), args.out or "benchmarks/RESULTS.md")


def _write(page: str, out: str) -> None:
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(page)
    print(page)
    print(f"written to {out}")
