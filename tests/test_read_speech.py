"""dae.read_speech: librosa's three LibriSpeech examples found offline, verified, resampled and cut; a clear error when absent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import mirror_root

from dae import read_speech
from dae.data import CorruptDataError, DataUnavailableError


def examples_folder() -> Path:
    """The mirror's librosa folder; the tests that read the real examples need it (the missing-data tests do not)."""
    return mirror_root() / read_speech.MIRROR_FOLDER


needs_examples = pytest.mark.skipif(
    not all((examples_folder() / f"{e.utterance}.ogg").is_file() for e in read_speech.EXAMPLES.values()),
    reason="librosa's LibriSpeech examples are not in <DAE_DATA_DIR>/librosa",
)


@pytest.fixture()
def mirror(monkeypatch):
    """The real mirror through $DAE_DATA_DIR only ($LIBROSA_DATA_DIR unset)."""
    monkeypatch.delenv(read_speech.LIBROSA_ENV, raising=False)
    monkeypatch.setenv("DAE_DATA_DIR", str(mirror_root()))
    return examples_folder()


def test_examples_dir_prefers_librosa_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("DAE_DATA_DIR", str(tmp_path / "mirror"))
    monkeypatch.delenv(read_speech.LIBROSA_ENV, raising=False)
    assert read_speech.examples_dir() == tmp_path / "mirror" / "librosa"
    monkeypatch.setenv(read_speech.LIBROSA_ENV, str(tmp_path / "own"))
    assert read_speech.examples_dir() == tmp_path / "own"
    monkeypatch.delenv("DAE_DATA_DIR")
    monkeypatch.delenv(read_speech.LIBROSA_ENV)
    assert read_speech.examples_dir() is None


def test_missing_examples_raise_naming_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(read_speech.LIBROSA_ENV, str(tmp_path))
    with pytest.raises(DataUnavailableError, match=r"libri2.*not at .*3436-172162-0000\.ogg"):
        read_speech.example_path("libri2")
    with pytest.raises(DataUnavailableError, match=str(tmp_path)):
        read_speech.read_speech_segments()


def test_missing_mirror_folder_raises(monkeypatch, tmp_path):
    monkeypatch.delenv(read_speech.LIBROSA_ENV, raising=False)
    monkeypatch.setenv("DAE_DATA_DIR", str(tmp_path))  # a mirror without librosa/
    with pytest.raises(DataUnavailableError, match="librosa"):
        read_speech.load_example("libri1")


@needs_examples
def test_altered_file_is_refused(monkeypatch, tmp_path):
    real = examples_folder() / f"{read_speech.EXAMPLES['libri3'].utterance}.ogg"
    (tmp_path / real.name).write_bytes(real.read_bytes()[:-100])  # truncated
    monkeypatch.setenv(read_speech.LIBROSA_ENV, str(tmp_path))
    with pytest.raises(CorruptDataError, match="sha256"):
        read_speech.example_path("libri3")


def test_unknown_key_is_refused():
    with pytest.raises(ValueError, match="libri1"):
        read_speech.example_path("brahms")


@needs_examples
def test_same_files_as_librosa_ex(mirror):
    # librosa reads LIBROSA_DATA_DIR when it is imported: ask a fresh interpreter which file each key is.
    code = "import librosa; print('\\n'.join(librosa.ex(k) for k in ('libri1', 'libri2', 'libri3')))"
    env = dict(os.environ, LIBROSA_DATA_DIR=str(mirror))
    paths = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout.split()
    assert [Path(p).name for p in paths] == [read_speech.example_path(k).name for k in ("libri1", "libri2", "libri3")]


def test_cut_into_equal_pieces():
    audio = np.arange(25, dtype=np.float32)
    pieces = read_speech.cut(audio, sr=4, seconds=2.0)
    assert [len(p) for p in pieces] == [8, 8, 8]  # the last sample is the dropped remainder
    np.testing.assert_array_equal(np.concatenate(pieces), audio[:24])
    assert all(p.dtype == np.float32 for p in pieces)


@pytest.mark.parametrize("seconds", [0, -1.0, float("nan"), True, "6"])
def test_cut_refuses_bad_lengths(seconds):
    with pytest.raises(ValueError, match="seconds"):
        read_speech.cut(np.ones(100, dtype=np.float32), sr=10, seconds=seconds)


def test_cut_refuses_a_segment_longer_than_the_audio():
    with pytest.raises(ValueError, match="has 100"):
        read_speech.cut(np.ones(100, dtype=np.float32), sr=10, seconds=11.0)


@needs_examples
def test_segments_are_read_speech_at_the_chapter_rate(mirror):
    import soundfile

    segments = read_speech.read_speech_segments()
    lengths = {}
    for key, example in read_speech.EXAMPLES.items():
        info = soundfile.info(str(mirror / f"{example.utterance}.ogg"))
        lengths[key] = int(info.duration // read_speech.SEGMENT_SECONDS)  # whole segments in each file
    assert [s.key for s in segments] == [k for k, n in lengths.items() for _ in range(n)]
    assert len({s.reader for s in segments}) == 3
    for s in segments:
        assert s.sample_rate == 8000 and s.audio.dtype == np.float32
        assert s.audio.shape == (round(read_speech.SEGMENT_SECONDS * 8000),)
        assert 0.005 < np.sqrt(np.mean(s.audio**2)) < 0.5 and np.abs(s.audio).max() <= 1.0  # speech, not silence or clipping
    # Resampled, not decimated: nothing above the new Nyquist frequency folds back as a strong tone.
    spectrum = np.abs(np.fft.rfft(segments[0].audio)) ** 2
    assert spectrum[: len(spectrum) // 2].sum() > spectrum[len(spectrum) // 2 :].sum()
    assert segments[1].start == read_speech.SEGMENT_SECONDS and segments[1].label.endswith("6-12 s")
