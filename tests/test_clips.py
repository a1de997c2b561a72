"""dae/clips/: the committed spoken clips the package ships, audio/make_hello.sh that makes them, and dae.data.clip_path."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from conftest import REPO_ROOT

AUDIO = REPO_ROOT / "audio"  # the script and the clips' README
CLIPS_DIR = REPO_ROOT / "dae" / "clips"
CLIPS = ("hello.wav", "second.wav")


@pytest.mark.parametrize("name", CLIPS)
def test_clip_is_a_short_mono_22khz_16bit_word(name):
    import soundfile as sf

    info = sf.info(CLIPS_DIR / name)
    assert (info.samplerate, info.channels, info.subtype) == (22050, 1, "PCM_16")
    assert 0.5 < info.duration < 2.0
    audio, rate = sf.read(CLIPS_DIR / name, dtype="float32")
    assert rate == 22050 and audio.dtype == np.float32
    assert 0.05 < np.abs(audio).max() <= 1.0  # spoken, not silent, not clipped beyond full scale


def test_the_two_clips_are_different_words():
    import soundfile as sf

    hello, _ = sf.read(CLIPS_DIR / "hello.wav", dtype="float32")
    second, _ = sf.read(CLIPS_DIR / "second.wav", dtype="float32")
    assert hello.shape != second.shape or not np.array_equal(hello, second)


def test_readme_lists_the_committed_hashes():
    import hashlib

    readme = (AUDIO / "README.md").read_text()
    for name in CLIPS:
        assert f"{hashlib.sha256((CLIPS_DIR / name).read_bytes()).hexdigest()}  {name}" in readme


def test_script_remakes_the_clips_byte_for_byte(tmp_path):
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.skip("espeak-ng and sox are needed to run audio/make_hello.sh")
    version = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout
    if "1.51" not in version:
        pytest.skip(f"the committed clips were made with eSpeak NG 1.51; this is {version.strip()}")
    subprocess.run(["bash", str(AUDIO / "make_hello.sh"), str(tmp_path)], check=True, capture_output=True)  # not into the package
    for name in CLIPS:
        assert (tmp_path / name).read_bytes() == (CLIPS_DIR / name).read_bytes(), name


@pytest.mark.parametrize("name", CLIPS)
def test_clip_path_finds_the_clips_the_package_ships(name, monkeypatch, tmp_path):
    from dae.data import clip_names, clip_path

    assert clip_names() == sorted(CLIPS)
    assert clip_path(name) == CLIPS_DIR / name
    monkeypatch.chdir(tmp_path)  # outside the project: the package's own copy all the same
    assert clip_path(name) == CLIPS_DIR / name


def test_clip_path_names_where_it_looked_and_rejects_paths():
    from dae.data import clip_path

    with pytest.raises(FileNotFoundError, match=r"no-such-word.wav is not one of the project's clips \(hello.wav, second.wav\)"):
        clip_path("no-such-word.wav")
    for bad in ("", "../hello.wav", None):
        with pytest.raises(ValueError, match="file name"):
            clip_path(bad)
