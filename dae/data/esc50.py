"""The 16 cat and dog clips of ESC-50 (fold 4): 5 s each at 44.1 kHz, every file checked against the committed
manifest, each with its label and its Freesound credits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._download import (
    DATA_DIR_ENV,
    CorruptDataError,
    data_dir,
    decode_wav,
    download_dir,
    download_file,
    load_verified,
    packaged_text,
    read_manifest,
)

ESC50_REPOSITORY = "https://github.com/karolpiczak/ESC-50"
# A commit of the repository's master branch; audio/ has not changed since v2.0.0 (2017-12-13), and the
# manifest, not the commit, is what guarantees the bytes.
ESC50_COMMIT = "f2fd956acf66ebd9ac7e2110711aa78dd684d042"
ESC50_RAW_URL = "https://raw.githubusercontent.com/karolpiczak/ESC-50/{commit}/audio/{file}"
ESC50_MANIFEST = "esc50_catdog.sha256"
ESC50_METADATA = "esc50_catdog.csv"
ESC50_SAMPLE_RATE = 44100


@dataclass(frozen=True, eq=False)
class Clip:
    """One ESC-50 clip: ``audio`` float32 mono in [-1, 1] at ``sample_rate`` (44100) Hz, 5 s, with its credits."""

    file: str
    label: str
    title: str
    author: str
    licence: str
    freesound_url: str
    audio: np.ndarray = field(repr=False)
    sample_rate: int

    @property
    def credit(self) -> str:
        """An attribution line: title, author, licence and source."""
        return f'"{self.title}" by {self.author} ({self.licence}), {self.freesound_url}, clip {self.file} of ESC-50'


def load_esc50_catdog(mirror_root: Path | str | None = None) -> list[Clip]:
    """The 16 ESC-50 cat and dog clips (8 cat, 8 dog, fold 4), sorted by file name, with label and credits.

    Reads ``<mirror_root>/esc50-catdog/audio`` (default ``$DAE_DATA_DIR``), else the download cache
    (``download_dir()/esc50-catdog``), else downloads each file from the pinned ESC-50 commit. Every file must
    match the committed sha256 manifest.
    """
    root = Path(mirror_root) if mirror_root is not None else data_dir()
    payloads = load_verified(
        "The ESC-50 cat and dog clips",
        None if root is None else root / "esc50-catdog" / "audio",
        download_dir() / "esc50-catdog",
        read_manifest(ESC50_MANIFEST),
        _download_esc50_catdog,
        ESC50_RAW_URL.format(commit=ESC50_COMMIT, file="<file>"),
        f"Point ${DATA_DIR_ENV} at a folder whose esc50-catdog/audio/ holds the 16 clips, or connect to the internet.",
    )
    metadata = {row["file"]: row for row in esc50_catdog_metadata()}
    if set(metadata) != set(payloads):
        raise CorruptDataError(f"dae/manifests/{ESC50_METADATA} and {ESC50_MANIFEST} list different files")
    clips = []
    for name in sorted(payloads):
        audio, rate = decode_wav(payloads[name], name)
        row = metadata[name]
        clips.append(Clip(name, row["label"], row["title"], row["author"], row["licence"], row["freesound_url"], audio, rate))
    return clips


def esc50_catdog_metadata() -> list[dict[str, str]]:
    """The committed metadata of the 16 clips (file, label, title, author, licence, freesound_url, esc10, fold)."""
    import csv

    return list(csv.DictReader(packaged_text(ESC50_METADATA).splitlines()))


def _download_esc50_catdog(cache: Path) -> None:
    """Download each clip of the manifest from the pinned commit into ``cache``, checking each on arrival."""
    cache.mkdir(parents=True, exist_ok=True)
    for name, expected in read_manifest(ESC50_MANIFEST).items():
        download_file(ESC50_RAW_URL.format(commit=ESC50_COMMIT, file=name), expected, cache / name)
