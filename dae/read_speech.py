"""Read speech the speech model never heard: the three LibriSpeech utterances that librosa ships as examples
(``librosa.ex('libri1')`` to ``'libri3'``), checked against their sha256, resampled to the chapter's 8 kHz and cut
into segments of equal length.

The files are looked for in ``$LIBROSA_DATA_DIR`` (the folder librosa itself reads them from offline), else in
``<$DAE_DATA_DIR>/librosa`` (the book's data mirror); with neither set, librosa fetches them into its own cache.
Missing or altered files raise :class:`dae.data.DataUnavailableError` or :class:`dae.data.CorruptDataError`:
nothing is skipped and nothing is replaced by other speech.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._checks import check_audio, check_rate
from .data import DATA_DIR_ENV, CorruptDataError, DataUnavailableError, sha256_bytes
from .sound import SAMPLE_RATE, resample

LIBROSA_ENV = "LIBROSA_DATA_DIR"  # where librosa looks for its example files before downloading them
MIRROR_FOLDER = "librosa"  # the examples' folder inside the book's data mirror
SEGMENT_SECONDS = 6.0  # long enough for STOI and PESQ, short enough to give several segments per reader


@dataclass(frozen=True)
class Example:
    """One of librosa's LibriSpeech examples: its key, LibriSpeech utterance id, reader, book and the sha256 of its ``.ogg``."""

    key: str
    utterance: str
    reader: str
    book: str
    sha256: str


# The three examples as librosa 0.10-0.11 names and caches them (22,050 Hz mono Ogg Vorbis), with the digests of
# the files librosa downloads (github.com/librosa/data); LibriSpeech (openslr.org/12) is CC BY 4.0.
EXAMPLES = {
    "libri1": Example(
        "libri1",
        "5703-47212-0000",
        "Garth Comira",
        "Ashiel Mystery - A Detective Story, chapter 2",
        "a284612b46af0535f7e1873758c4387bb8369f6dbbe192ffdec1f171108f98dd",
    ),
    "libri2": Example(
        "libri2",
        "3436-172162-0000",
        "Anders Lankford",
        "The Age of Chivalry, chapter 18: Perceval",
        "780e482b52f2c8a500356babf60178ce005449cc171a8537eb3ef2961eb3e855",
    ),
    "libri3": Example(
        "libri3",
        "198-209-0000",
        "Heather Barnett",
        "Sense and Sensibility, chapter 18",
        "0473ba9613befa1026db5e254546f105aeffba8366b5468fc5e8d474d844ca1d",
    ),
}


@dataclass(frozen=True)
class Segment:
    """A piece of read speech: float32 ``audio`` at ``sample_rate`` Hz, which example it comes from and where it starts (s)."""

    audio: np.ndarray
    sample_rate: int
    key: str
    reader: str
    start: float

    @property
    def label(self) -> str:
        """How a table names the segment, e.g. ``'Heather Barnett, 6-12 s'``."""
        end = self.start + len(self.audio) / self.sample_rate
        return f"{self.reader}, {self.start:g}-{end:g} s"


def examples_dir() -> Path | None:
    """The folder holding the examples: ``$LIBROSA_DATA_DIR``, else ``<$DAE_DATA_DIR>/librosa``, else None (librosa's own cache)."""
    for raw, suffix in ((os.environ.get(LIBROSA_ENV, ""), None), (os.environ.get(DATA_DIR_ENV, ""), MIRROR_FOLDER)):
        if raw.strip():
            folder = Path(raw.strip()).expanduser()
            return folder / suffix if suffix else folder
    return None


def example_path(key: str) -> Path:
    """The verified ``.ogg`` file of example ``key`` ('libri1', 'libri2' or 'libri3'); raises if it is missing or altered."""
    if key not in EXAMPLES:
        raise ValueError(f"unknown example {key!r}; choose one of {sorted(EXAMPLES)}")
    example = EXAMPLES[key]
    folder = examples_dir()
    if folder is not None:
        path = folder / f"{example.utterance}.ogg"
        if not path.is_file():
            raise DataUnavailableError(
                f"librosa's example {key!r} ({example.reader}) is not at {path}; put librosa's LibriSpeech examples in that folder "
                f"(or point {LIBROSA_ENV} at a folder that holds them; running `librosa.ex({key!r})` once online downloads them)"
            )
    else:
        path = _download(key)
    digest = sha256_bytes(path.read_bytes())
    if digest != example.sha256:
        raise CorruptDataError(f"{path} has sha256 {digest}, expected {example.sha256} (librosa's example {key!r}); delete it and fetch it again")
    return path


def load_example(key: str, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Example ``key`` as float32 mono audio at ``sr`` Hz (resampled with :func:`dae.sound.resample`)."""
    import soundfile

    sr = check_rate(sr)
    path = example_path(key)
    audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
    return resample(audio.mean(axis=1), rate, sr)


def cut(audio, sr: int, seconds: float = SEGMENT_SECONDS) -> list[np.ndarray]:
    """``audio`` cut into consecutive pieces of ``seconds`` (float32 copies); a shorter remainder at the end is dropped."""
    audio, sr = check_audio(audio), check_rate(sr)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float, np.integer, np.floating)) or not (np.isfinite(seconds) and seconds > 0):
        raise ValueError(f"seconds must be a positive number, got {seconds!r}")
    length = round(seconds * sr)
    if length < 1 or length > len(audio):
        raise ValueError(f"a {seconds} s segment at {sr} Hz is {length} samples; the audio has {len(audio)} ({len(audio) / sr:.2f} s)")
    return [audio[k : k + length].astype(np.float32) for k in range(0, len(audio) - length + 1, length)]


def read_speech_segments(seconds: float = SEGMENT_SECONDS, sr: int = SAMPLE_RATE, keys=tuple(EXAMPLES)) -> list[Segment]:
    """Every example in ``keys`` at ``sr`` Hz cut into ``seconds``-long :class:`Segment` s, in order (remainders dropped)."""
    out = []
    for key in keys:
        audio = load_example(key, sr)
        for k, piece in enumerate(cut(audio, sr, seconds)):
            out.append(Segment(piece, sr, key, EXAMPLES[key].reader, k * seconds))
    return out


def _download(key: str) -> Path:
    """librosa's own copy of example ``key`` (its cache, downloading it once); DataUnavailableError if that fails."""
    try:
        import librosa

        return Path(librosa.ex(key))
    except Exception as err:  # offline, or the host refused
        raise DataUnavailableError(
            f"librosa's example {key!r} could not be fetched ({type(err).__name__}: {err}); set {LIBROSA_ENV} or {DATA_DIR_ENV} "
            f"to a folder that holds it ({DATA_DIR_ENV}'s in its subfolder {MIRROR_FOLDER}/), or connect to the internet"
        ) from err
