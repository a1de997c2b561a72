"""The JSON record of every table a chapter prints: ``_build/results/<chapter>.json`` or ``$DAE_RESULTS_DIR``.

Each file holds the rows of one chapter; each row has ``setting``, ``method``, ``kind``, metric values
(``psnr_db``, ``ssim``; for sound ``si_sdr_db``, ``stoi``, ``pesq``, ``lsd_db``), ``seconds``, ``quick`` and ``device``;
the file also holds ``chapter_seconds``, the chapter's wall time once its last cell has called
:meth:`Recorder.finish`. ``dae.report`` turns the files into Markdown pages.
"""

from __future__ import annotations

import json
import math
import os
import time
from datetime import datetime, timezone
from pathlib import Path

RESULTS_ENV = "DAE_RESULTS_DIR"
METRICS = ("psnr_db", "ssim", "si_sdr_db", "stoi", "pesq", "lsd_db")
KINDS = ("noisy", "classical", "seed-model", "model", "oracle", "ceiling")


def process_seconds() -> float:
    """Wall-clock seconds since this Python process (in a book build: the chapter's kernel) started."""
    import psutil

    return time.time() - psutil.Process().create_time()


def processor() -> str:
    """The CPU's model name and core count, e.g. 'AMD EPYC, 2 cores': chapter times depend on both."""
    import platform

    name = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:  # not Linux
        pass
    return f"{name or platform.processor() or platform.machine() or 'unknown CPU'}, {os.cpu_count()} cores"


def project_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the working folder) that holds ``_config.yml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").is_file():
            return folder
    return None


def results_dir() -> Path:
    """``$DAE_RESULTS_DIR`` if set, else ``<project root>/_build/results`` (or ``./_build/results``)."""
    raw = os.environ.get(RESULTS_ENV, "").strip()
    if raw:
        return Path(raw).expanduser()
    root = project_root() or Path.cwd()
    return root / "_build" / "results"


def _clean_number(value, name: str):
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} is {value}: refusing to record a value that is not a finite number")
    return value


class Recorder:
    """Collect a chapter's result rows, show them as a table and keep ``<chapter>.json`` up to date."""

    def __init__(self, chapter: str, settings):
        if not chapter or not all(c.isalnum() or c in "_-" for c in chapter):
            raise ValueError(f"chapter must be a simple file name like 'ch01_basics', got {chapter!r}")
        self.chapter, self.settings, self.rows = chapter, settings, []
        self.chapter_seconds = None
        self.path = results_dir() / f"{chapter}.json"

    def add(self, *, setting: str, method: str, kind: str, seconds: float | None = None, **metrics) -> dict:
        """Record one row; ``metrics`` are among ``METRICS``. Replaces an earlier row with the same setting and method."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        unknown = set(metrics) - set(METRICS)
        if unknown:
            raise ValueError(f"unknown metric names {sorted(unknown)}; expected some of {METRICS}")
        row = {"setting": setting, "method": method, "kind": kind}
        row.update({name: _clean_number(v, name) for name, v in metrics.items()})
        row["seconds"] = None if seconds is None else round(_clean_number(seconds, "seconds"), 2)
        row["quick"] = bool(self.settings.quick)
        row["device"] = self.settings.device
        self.rows = [r for r in self.rows if (r["setting"], r["method"]) != (setting, method)] + [row]
        self.save()
        return row

    def table(self, setting: str | None = None):
        """The rows (of one setting, if given) as a pandas DataFrame with rounded numbers."""
        import pandas as pd

        rows = [r for r in self.rows if setting is None or r["setting"] == setting]
        frame = pd.DataFrame(rows)
        if frame.empty:
            return frame
        present = [m for m in METRICS if m in frame]
        frame = frame[["setting", "method", "kind", *present, "seconds"]]
        return frame.round({m: (4 if m in ("ssim", "stoi") else 2) for m in present})

    def value(self, setting: str, method: str, metric: str) -> float:
        """The recorded ``metric`` of ``method`` in ``setting``, e.g. ``record.value("gauss0.2", "U-Net", "psnr_db")``."""
        for row in self.rows:
            if (row["setting"], row["method"]) == (setting, method):
                if row.get(metric) is None:
                    raise KeyError(f"{method!r} in {setting!r} has no {metric!r}; it has {sorted(k for k in row if k in METRICS or k == 'seconds')}")
                return float(row[metric])
        raise KeyError(
            f"nothing recorded for {method!r} in {setting!r}; methods there: {sorted(r['method'] for r in self.rows if r['setting'] == setting)}"
        )

    def finish(self):
        """Call in a chapter's last cell: record its wall time since the kernel started, save, return the whole table."""
        self.chapter_seconds = round(process_seconds(), 1)
        self.save()
        return self.table()

    def save(self) -> Path:
        """Write all rows to ``<results dir>/<chapter>.json`` and return the path."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "chapter": self.chapter,
            "quick": bool(self.settings.quick),
            "device": self.settings.device,
            "seed": self.settings.seed,
            "processor": processor(),
            "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "chapter_seconds": self.chapter_seconds,
            "rows": self.rows,
        }
        self.path.write_text(json.dumps(record, indent=1) + "\n")
        return self.path


def glue(name: str, value, display: bool = False) -> None:
    """Make ``value`` available to the page's prose as ``{glue:text}`name```; a no-op outside Jupyter Book."""
    try:
        from myst_nb import glue as _glue
    except ImportError:  # Colab and plain Jupyter have no myst-nb: the prose shows the variable's name
        return
    _glue(name, value, display=display)


def load(folder: Path | str | None = None) -> dict[str, dict]:
    """Every ``<chapter>.json`` in the results folder, by chapter name."""
    folder = Path(folder) if folder is not None else results_dir()
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}
