"""Tables as a reader sees them: headers in words with their units, no index column, each measure at the
precision the prose uses, empty cells where nothing was measured, every row, and a first column that stays in
view while a wide table scrolls on a phone.
"""

from __future__ import annotations

import math

# Images, sound, then generated digits (Chapter 7: the share a digit classifier labels with confidence >= 0.9,
# its largest class, and the Fréchet distance of the classifier's features to real digits).
METRICS = ("psnr_db", "ssim", "si_sdr_db", "stoi", "pesq", "lsd_db", "confident_pct", "largest_class_pct", "frechet")
# What a reader sees for each column of Recorder.table(), and the decimals each number gets: the prose
# quotes decibels with one decimal, STOI and PESQ with two, SSIM with three.
HEADERS = {
    "setting": "noise",
    "method": "method",
    "kind": "kind",
    "psnr_db": "PSNR (dB)",
    "ssim": "SSIM",
    "si_sdr_db": "SI-SDR (dB)",
    "stoi": "STOI",
    "pesq": "PESQ",
    "lsd_db": "LSD (dB)",
    "confident_pct": "confident (%)",
    "largest_class_pct": "largest class (%)",
    "frechet": "Fréchet distance",
    "seconds": "seconds",
}
_SOUND_NOISES = {"white": "white noise", "pink": "pink noise", "babble": "babble", "hum": "hum"}
# The results files' setting keys in words, as a reader meets them in the chapters.
SETTING_LABELS = {
    "clean": "none (clean input)",
    "gauss0.2": "Gaussian, σ = 0.2",
    "gauss_shift0.5": "Gaussian, mean 0.5, σ = 0.5 (the Keras example's)",
    "sp0.2": "salt and pepper, 20 %",
    **{f"{key}_{snr}dB": f"{words}, {snr} dB".replace("-", "−") for key, words in _SOUND_NOISES.items() for snr in (-5, 0, 5, 10)},
    "hello_22kHz": "none (“hello” at 22,050 samples/s)",
    "hello_mel_sp0.2": "“hello”, mel spectrogram, salt and pepper 20 %",
    "goodbye_mel_sp0.2": "“goodbye”, mel spectrogram, salt and pepper 20 %",
    "generation": "none (digits generated from noise)",
    "training": "training time",
}
# Chapter 5 measures its model on read speech too: "read_white_0dB" is white noise at 0 dB on read speech.
_READ_PREFIX = "read_"


def setting_label(key: str) -> str:
    """A setting key in words: ``SETTING_LABELS[key]`` (``read_<key>``: "read speech, " and its label), else the key unchanged."""
    read = key.removeprefix(_READ_PREFIX)
    if read != key and read in SETTING_LABELS:
        return "read speech, " + SETTING_LABELS[read]
    return SETTING_LABELS.get(key, key)


DIGITS = {
    "psnr_db": 1,
    "ssim": 3,
    "si_sdr_db": 1,
    "stoi": 2,
    "pesq": 2,
    "lsd_db": 1,
    "confident_pct": 1,
    "largest_class_pct": 1,
    "frechet": 2,
    "seconds": 1,
}
# A measure's 95 % interval half-width, recorded when add() is given one value per test item; one more decimal.
CI95 = "_ci95"
HEADERS.update({m + CI95: "± 95 %" + (" (dB)" if m.endswith("_db") else "") for m in METRICS})
DIGITS.update({m + CI95: DIGITS[m] + 1 for m in METRICS})
# Readable on a phone: the table scrolls sideways inside its output box (the theme makes that box scroll),
# its first column stays in view, numbers never break and line up on the right.
TABLE_STYLES = [
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: 600; padding: 0 0 0.25rem;"},
    {"selector": "th", "props": "text-align: left; vertical-align: bottom;"},
    {"selector": "td.dae-number", "props": "text-align: right; white-space: nowrap;"},
    {"selector": "td:not(.dae-number)", "props": "min-width: 6em;"},  # names wrap, but not a word a line
    {"selector": "td a", "props": "overflow-wrap: anywhere;"},  # a web address wraps instead of widening its column
    {
        "selector": "th:first-child, td:first-child",
        "props": "position: sticky; left: 0; z-index: 1; background-color: inherit;",
    },
]


def _format_cell(value, digits: int | None, link: bool) -> str:
    """One cell's text: empty for a missing value, '∞' for an infinite one, numbers at ``digits`` decimals."""
    import html

    import numpy as np
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)) and digits is None:
        return f"{int(value):,}"
    if isinstance(value, (int, float, np.integer, np.floating)):
        value = float(value)
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        text = f"{value:.{2 if digits is None else digits}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.0"
    text = html.escape(str(value))
    if link and text.startswith(("https://", "http://")):
        return f'<a href="{text}">{text}</a>'
    return text


def readable(frame, headers: dict | None = None, digits: int | dict | None = None, index: str | None = None, caption: str | None = None, links=()):
    """``frame`` (a pandas DataFrame) as a reader should see it: a pandas Styler that renders every row.

    - ``headers`` renames columns for the reader (the names of :meth:`Recorder.table` get theirs from ``HEADERS``);
    - ``digits``: decimals for every float column (an int) or per column (a dict; ``DIGITS`` for the recorded
      measures, 2 for other floats); whole numbers get thousands separators;
    - ``index``: the header of a column made from the frame's index (a pivot table's rows, for example).
      A named index becomes a column under its name anyway; an unnamed one is left out unless named here;
    - ``links``: columns of web addresses, shown in full as links a reader can follow;
    - ``caption``: a title above the table.

    No index column, empty cells for NaN and None, '∞' for infinity, a first column that stays in view while
    a wide table scrolls sideways. Text is escaped; only the ``links`` columns hold HTML.
    """
    import html

    import pandas as pd

    if isinstance(frame.columns, pd.MultiIndex):
        raise ValueError("readable takes one row of headers: show each top-level column group as a table of its own")
    if index is not None:
        if frame.index.nlevels != 1:
            raise ValueError(f"index names one column, but the frame's index has {frame.index.nlevels} levels")
        frame = frame.rename_axis(index).reset_index()
    elif any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        raise ValueError(f"two columns share a name: {names}")
    frame = frame.set_axis(names, axis="columns").reset_index(drop=True)
    floats = [c for c in names if pd.api.types.is_float_dtype(frame[c])]
    numeric = [c for c in names if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])]
    asked = {} if digits is None else {c: digits for c in floats} if isinstance(digits, int) else dict(digits)
    missing = (set(asked) | set(headers or {}) | set(links)) - set(names)
    if missing:
        raise ValueError(f"no columns {sorted(missing)} in the table; it has {names}")
    decimals = {c: DIGITS.get(c, 2) for c in floats} | asked
    formatters = {c: (lambda v, d=decimals.get(c), link=c in links: _format_cell(v, d, link)) for c in names}
    shown = {c: HEADERS.get(c, c) for c in names} | dict(headers or {})
    classes = pd.DataFrame("", index=frame.index, columns=names)
    classes[numeric] = "dae-number"
    number_headers = [{"selector": f"th.col{names.index(c)}", "props": "text-align: right;"} for c in numeric]
    styler = (
        frame.style.format(formatters)
        .hide(axis="index")
        .relabel_index([html.escape(str(shown[c])) for c in names], axis="columns")
        .set_td_classes(classes)
        .set_table_attributes('class="dataframe dae-table"')
        .set_table_styles(TABLE_STYLES + number_headers)
    )
    return styler.set_caption(html.escape(caption)) if caption else styler
