"""The Free Spoken Digit Dataset (FSDD) v1.0.10: 3,000 recordings of six men saying single digits at 8 kHz, every
file checked against the committed manifest, and the split that holds two speakers out for testing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import _download
from ._download import DATA_DIR_ENV, CorruptDataError, data_dir, decode_wav, download_dir, load_verified, read_manifest, sha256_bytes

FSDD_VERSION = "v1.0.10"
FSDD_COMMIT = "d6938f9bf1545aa66d8489fc9f1385a7abd64282"  # the commit tag v1.0.10 points to
FSDD_URL = "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.10.zip"
FSDD_MANIFEST = "fsdd_v1.0.10.sha256"
FSDD_SAMPLE_RATE = 8000
FSDD_SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
# All six speakers are men (speakers.json), so the held-out pair cannot differ by gender. It differs by
# accent and by loudness instead: lucas (German, -24 dBFS) and theo (USA, -33 dBFS) are tested, while
# yweweler (German, -38 dBFS), jackson (USA, -21 dBFS), george (Greek) and nicolas (Belgian French)
# train, so the test speakers' accents and levels both lie inside what training covers.
FSDD_TEST_SPEAKERS = ("lucas", "theo")


@dataclass(frozen=True, eq=False)
class Recording:
    """One FSDD recording: ``audio`` is float32 mono in [-1, 1] at ``sample_rate`` (8000) Hz."""

    digit: int
    speaker: str
    index: int
    audio: np.ndarray = field(repr=False)
    sample_rate: int

    @property
    def name(self) -> str:
        """The file name, ``{digit}_{speaker}_{index}.wav``."""
        return f"{self.digit}_{self.speaker}_{self.index}.wav"

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.audio) / self.sample_rate


def load_fsdd(mirror_root: Path | str | None = None) -> list[Recording]:
    """Every recording of FSDD v1.0.10 (3000: 6 speakers x 10 digits x 50 takes), sorted by file name.

    Reads ``<mirror_root>/fsdd/recordings`` (default ``$DAE_DATA_DIR``), else the download cache
    (``download_dir()/fsdd-v1.0.10``), else downloads ``FSDD_URL`` into it. Every file must match the committed
    sha256 manifest. ``pandas.DataFrame(recordings)`` gives a table with one row per recording.
    """
    root = Path(mirror_root) if mirror_root is not None else data_dir()
    payloads = load_verified(
        f"The Free Spoken Digit Dataset {FSDD_VERSION}",
        None if root is None else root / "fsdd" / "recordings",
        download_dir() / f"fsdd-{FSDD_VERSION}",
        read_manifest(FSDD_MANIFEST),
        _download_fsdd,
        FSDD_URL,
        f"Point ${DATA_DIR_ENV} at a folder whose fsdd/recordings/ holds the {FSDD_VERSION} wav files, or connect to the internet.",
    )
    recordings = []
    for name in sorted(payloads):
        digit, speaker, index = name[: -len(".wav")].split("_")
        audio, rate = decode_wav(payloads[name], name)
        if rate != FSDD_SAMPLE_RATE:  # cannot happen with a matching hash; kept as a guard
            raise CorruptDataError(f"{name}: sample rate {rate} Hz, expected {FSDD_SAMPLE_RATE}")
        recordings.append(Recording(int(digit), speaker, int(index), audio, rate))
    return recordings


def fsdd_split(recordings, test_speakers=FSDD_TEST_SPEAKERS) -> tuple[list[Recording], list[Recording]]:
    """Split recordings by speaker: (train, test), ``test`` holding every recording of ``test_speakers``."""
    if isinstance(test_speakers, str):
        raise TypeError(f"test_speakers must be a sequence of names, got the string {test_speakers!r}; write ({test_speakers!r},)")
    test_speakers = tuple(test_speakers)
    present = sorted({r.speaker for r in recordings})
    unknown = [s for s in test_speakers if s not in present]
    if not test_speakers or unknown:
        raise ValueError(f"test_speakers must be some of the speakers present {present}, got {test_speakers!r}")
    if set(test_speakers) == set(present):
        raise ValueError(f"test_speakers {test_speakers!r} are all the speakers: nothing would be left to train on")
    train = [r for r in recordings if r.speaker not in test_speakers]
    test = [r for r in recordings if r.speaker in test_speakers]
    return train, test


def _download_fsdd(cache: Path) -> None:
    """Download the pinned FSDD archive and extract its recordings/*.wav into ``cache``."""
    import io
    import shutil
    import tempfile
    import zipfile

    payload = _download._fetch(FSDD_URL)
    # GitHub builds tag archives on the fly, so the zip's own hash is not stable; every extracted
    # file is checked against the manifest instead, before anything is saved.
    manifest = read_manifest(FSDD_MANIFEST)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache.parent) as tmp, zipfile.ZipFile(io.BytesIO(payload)) as archive:
        staging = Path(tmp) / "recordings"
        staging.mkdir()
        for member in archive.namelist():
            parts = member.split("/")
            if len(parts) == 3 and parts[1] == "recordings" and parts[2] in manifest:
                data = archive.read(member)
                actual = sha256_bytes(data)
                if actual != manifest[parts[2]]:
                    raise CorruptDataError(f"{FSDD_URL}: {member} has sha256 {actual}, expected {manifest[parts[2]]}; nothing was saved")
                (staging / parts[2]).write_bytes(data)
        found = len(list(staging.iterdir()))
        if found != len(manifest):
            raise FileNotFoundError(f"the archive holds {found} of the {len(manifest)} recordings of {FSDD_VERSION}; nothing was saved")
        if cache.exists():
            shutil.rmtree(cache)
        staging.rename(cache)  # all at once: an interrupted download leaves no half-filled cache
