"""audio/: the committed spoken clips and the script that makes them."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from conftest import REPO_ROOT
from dae.audio import read_wav

AUDIO = REPO_ROOT / "audio"
CLIPS = ("hello.wav", "second.wav")


@pytest.mark.parametrize("name", CLIPS)
def test_clip_is_a_short_mono_22khz_16bit_word(name):
    import soundfile as sf

    info = sf.info(AUDIO / name)
    assert (info.samplerate, info.channels, info.subtype) == (22050, 1, "PCM_16")
    assert 0.5 < info.duration < 2.0
    audio, rate = read_wav(AUDIO / name)
    assert rate == 22050 and audio.dtype == np.float32
    assert 0.05 < np.abs(audio).max() <= 1.0  # spoken, not silent, not clipped beyond full scale


def test_the_two_clips_are_different_words():
    hello, _ = read_wav(AUDIO / "hello.wav")
    second, _ = read_wav(AUDIO / "second.wav")
    assert hello.shape != second.shape or not np.array_equal(hello, second)


def test_readme_lists_the_committed_hashes():
    import hashlib

    readme = (AUDIO / "README.md").read_text()
    for name in CLIPS:
        assert f"{hashlib.sha256((AUDIO / name).read_bytes()).hexdigest()}  {name}" in readme


def test_script_remakes_the_clips_byte_for_byte(tmp_path):
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.skip("espeak-ng and sox are needed to run audio/make_hello.sh")
    version = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout
    if "1.51" not in version:
        pytest.skip(f"the committed clips were made with eSpeak NG 1.51; this is {version.strip()}")
    shutil.copy(AUDIO / "make_hello.sh", tmp_path)  # the script writes beside itself: keep the repository untouched
    subprocess.run(["bash", str(tmp_path / "make_hello.sh")], check=True, capture_output=True)
    for name in CLIPS:
        assert (tmp_path / name).read_bytes() == (AUDIO / name).read_bytes(), name


@pytest.mark.parametrize("name", CLIPS)
def test_clip_path_finds_the_committed_clips(name, monkeypatch, tmp_path):
    from dae.audio import clip_path

    assert clip_path(name) == AUDIO / name
    monkeypatch.chdir(tmp_path)  # outside the project: found beside the package (an editable install)
    assert clip_path(name) == AUDIO / name


def test_clip_path_names_where_it_looked_and_rejects_paths():
    from dae.audio import clip_path

    with pytest.raises(FileNotFoundError, match="no-such-word.wav is in none of"):
        clip_path("no-such-word.wav")
    for bad in ("", "../hello.wav", None):
        with pytest.raises(ValueError, match="file name"):
            clip_path(bad)
