"""The JSON record of every table a chapter prints: ``_build/results/<chapter>.json`` or ``$DAE_RESULTS_DIR``.

Each file holds the rows of one chapter; each row has ``setting``, ``method``, ``kind``, metric values
(``psnr_db``, ``ssim``; for sound ``si_sdr_db``, ``stoi``, ``pesq``, ``lsd_db``), ``seconds``, ``quick`` and ``device``;
the file also holds ``chapter_seconds``, the chapter's wall time once its results section has called
:meth:`Recorder.finish`. ``dae.report`` turns the files into Markdown pages.

What a reader sees is :meth:`Recorder.show` (the recorded rows), written by :func:`dae.tables.readable`,
which also shows any other table (``dae.results.readable`` is the same function).
"""

from __future__ import annotations

import json
import math
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from dae.tables import CI95, DIGITS, HEADERS, METRICS, readable, setting_label

__all__ = ["CI95", "DIGITS", "HEADERS", "METRICS", "Recorder", "glue", "load", "readable", "results_dir"]

RESULTS_ENV = "DAE_RESULTS_DIR"
KINDS = ("noisy", "classical", "recipe", "model", "oracle", "ceiling")


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


def _mean_and_interval(value, name: str) -> dict:
    # One number stays as it is; one value per test item becomes its mean and a 95 % interval's half-width.
    import numpy as np

    if np.ndim(value) == 0:
        return {name: _clean_number(value, name)}
    values = np.asarray(value, dtype=float).ravel()
    if values.size < 2:
        raise ValueError(f"{name} has {values.size} value(s): an interval needs at least 2 test items")
    half_width = 1.96 * values.std(ddof=1) / math.sqrt(values.size)
    return {name: _clean_number(values.mean(), name), name + CI95: _clean_number(half_width, name + CI95)}


def _clean_number(value, name: str):
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} is {value}: refusing to record a value that is not a finite number")
    return value


# The values each measure can take at all; anything outside is a bug upstream, not a result.
# STOI is a mean correlation: a badly degraded clip can score a little below 0.
POSSIBLE = {"seconds": (0.0, math.inf), "ssim": (-1.0, 1.0), "stoi": (-1.0, 1.0), "pesq": (-0.5, 4.65), "lsd_db": (0.0, math.inf)}
_SLACK = 1e-9  # rounding in the measures themselves (an SSIM of 1 + 2e-16)


def _check_possible(value, name: str) -> None:
    # Every value (each test item's, for an array) must be a number within POSSIBLE[name].
    import numpy as np

    try:
        values = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a number or one number per test item, got {value!r}") from err
    if name not in POSSIBLE or values.size == 0:
        return
    low, high = POSSIBLE[name]
    outside = np.flatnonzero((values < low - _SLACK) | (values > high + _SLACK))
    if outside.size:
        where = "" if np.ndim(value) == 0 else f" (item {outside[0]} of {values.size})"
        raise ValueError(f"{name} must lie in [{low}, {high}], got {float(values[outside[0]])!r}{where}: no measurement gives that")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then move it into place."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{path.stem}.", suffix=".partial", delete=False, encoding="utf-8")
    try:
        with handle:
            handle.write(text)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


class Recorder:
    """Collect a chapter's result rows, show them as a table and keep ``<chapter>.json`` up to date."""

    def __init__(self, chapter: str, settings):
        if not chapter or not all(c.isalnum() or c in "_-" for c in chapter):
            raise ValueError(f"chapter must be a simple file name like 'ch01_basics', got {chapter!r}")
        self.chapter, self.settings, self.rows = chapter, settings, []
        self.chapter_seconds = None
        self.path = results_dir() / f"{chapter}.json"

    def add(self, *, setting: str, method: str, kind: str, seconds: float | None = None, **metrics) -> dict:
        """Record one row; ``metrics`` are among ``METRICS``. Replaces an earlier row with the same setting and method.

        A metric given as one value per test item (an array) is recorded as its mean and, under
        ``<metric>_ci95``, the half-width of the mean's 95 % confidence interval (1.96 standard errors).
        ``setting`` and ``method`` must be non-empty strings; a value a measure cannot take (``POSSIBLE``:
        negative seconds, an SSIM or a STOI outside [-1, 1], a PESQ outside [-0.5, 4.65], a negative LSD) is
        refused, whichever test item it belongs to.
        """
        for label, text in (("setting", setting), ("method", method)):
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{label} must be a non-empty string naming the row, got {text!r}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        unknown = set(metrics) - set(METRICS)
        if unknown:
            raise ValueError(f"unknown metric names {sorted(unknown)}; expected some of {METRICS}")
        row = {"setting": setting, "method": method, "kind": kind}
        for name, value in metrics.items():
            _check_possible(value, name)
            row.update(_mean_and_interval(value, name))
        if seconds is not None:
            _check_possible(seconds, "seconds")
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

    def show(self, setting: str | None = None, columns=None, caption: str | None = None):
        """The rows (of one setting, if given) as a reader should see them: see :func:`readable`.

        Headers in words with units ("PSNR (dB)", "SI-SDR (dB)", "seconds"), the noise in words
        (:func:`dae.tables.setting_label`), no index and no ``kind`` column,
        each measure at the decimals of ``DIGITS``, empty cells where a row has no value, every row.
        ``columns`` picks and orders the columns of :meth:`table` to show (default: the noise unless
        ``setting`` is given, the method, every measure that has a value, and the seconds if any);
        ``caption`` is a title above the table.
        """
        import pandas as pd

        # The recorded values, not table()'s rounded ones: rounding twice could move the last decimal.
        frame = pd.DataFrame([r for r in self.rows if setting is None or r["setting"] == setting])
        if "setting" in frame:
            frame["setting"] = frame["setting"].map(setting_label)  # "white_0dB" reads "white noise, 0 dB"
        if columns is None:
            with_interval = [(m, m + CI95) if m + CI95 in frame and frame[m + CI95].notna().any() else (m,) for m in METRICS]
            measured = [c for group in with_interval for c in group if c in frame and frame[c].notna().any()]
            measured += ["seconds"] * bool("seconds" in frame and frame["seconds"].notna().any())
            columns = ["setting"] * (setting is None) + ["method", *measured]
        columns = list(columns)
        unknown = [c for c in columns if c not in HEADERS]
        if unknown:
            raise ValueError(f"unknown columns {unknown}; choose among {list(HEADERS)}")
        return readable(frame.reindex(columns=columns), caption=caption)

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
        """Call in a chapter's results section: record its wall time since the kernel started, save, return the whole table."""
        self.chapter_seconds = round(process_seconds(), 1)
        self.save()
        return self.table()

    def save(self) -> Path:
        """Write all rows to ``<results dir>/<chapter>.json`` and return the path.

        The text goes to a file of its own first, then replaces the record in one step: a reader (the report,
        another chapter) sees the old record or the new one, never half of one.
        """
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
        write_atomically(self.path, json.dumps(record, indent=1) + "\n")
        return self.path


def glue(name: str, value, display: bool = False) -> None:
    """Make ``value`` available to the page's prose as ``{glue:text}`name```; a no-op outside Jupyter Book."""
    try:
        from myst_nb import glue as _glue
    except ImportError:  # Colab and plain Jupyter have no myst-nb: the prose shows the variable's name
        return
    if hasattr(value, "item") and getattr(value, "shape", None) == ():  # a NumPy scalar: its repr is 'np.float64(31.0)' in NumPy 2
        value = value.item()
    _glue(name, value, display=display)


def load(folder: Path | str | None = None) -> dict[str, dict]:
    """Every ``<chapter>.json`` in the results folder, by chapter name; a file that is not a record raises naming it."""
    folder = Path(folder) if folder is not None else results_dir()
    records = {}
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as err:  # json.JSONDecodeError is a ValueError
            raise ValueError(f"cannot read the results file {path}: {err}; run its chapter again or delete the file") from err
        if not isinstance(record, dict) or not isinstance(record.get("rows"), list):
            raise ValueError(
                f"the results file {path} is not a chapter's record (a JSON object with 'rows'); run its chapter again or delete the file"
            )
        records[path.stem] = record
    return records
