"""audio/: the committed spoken clips, the script that makes them, and dae.data.clip_path, which finds or downloads them."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from conftest import REPO_ROOT

AUDIO = REPO_ROOT / "audio"
CLIPS = ("hello.wav", "second.wav")


@pytest.mark.parametrize("name", CLIPS)
def test_clip_is_a_short_mono_22khz_16bit_word(name):
    import soundfile as sf

    info = sf.info(AUDIO / name)
    assert (info.samplerate, info.channels, info.subtype) == (22050, 1, "PCM_16")
    assert 0.5 < info.duration < 2.0
    audio, rate = sf.read(AUDIO / name, dtype="float32")
    assert rate == 22050 and audio.dtype == np.float32
    assert 0.05 < np.abs(audio).max() <= 1.0  # spoken, not silent, not clipped beyond full scale


def test_the_two_clips_are_different_words():
    import soundfile as sf

    hello, _ = sf.read(AUDIO / "hello.wav", dtype="float32")
    second, _ = sf.read(AUDIO / "second.wav", dtype="float32")
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
    from dae.data import clip_path

    assert clip_path(name) == AUDIO / name
    monkeypatch.chdir(tmp_path)  # outside the project: found beside the package (an editable install)
    assert clip_path(name) == AUDIO / name


def test_clip_path_names_where_it_looked_and_rejects_paths():
    from dae.data import clip_path

    with pytest.raises(FileNotFoundError, match="no-such-word.wav is not one of the project's clips"):
        clip_path("no-such-word.wav")
    for bad in ("", "../hello.wav", None):
        with pytest.raises(ValueError, match="file name"):
            clip_path(bad)


@pytest.fixture()
def installed_elsewhere(monkeypatch, tmp_path):
    """As in Colab: no checkout around the working folder or the package, an empty download cache."""
    import dae.data.clips

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(dae.data.clips, "__file__", str(tmp_path / "site-packages" / "dae" / "data" / "clips.py"))
    monkeypatch.setenv("DAE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def test_an_installed_package_downloads_a_clip_once_and_checks_it(installed_elsewhere, monkeypatch):
    import dae.data
    from dae.data import REPOSITORY, clip_path

    fetched = []

    def fetch(url):
        fetched.append(url)
        return (AUDIO / "hello.wav").read_bytes()

    monkeypatch.setattr(dae.data._download, "_fetch", fetch)
    path = clip_path("hello.wav")
    assert path == installed_elsewhere / "cache" / "clips" / "hello.wav"
    assert path.read_bytes() == (AUDIO / "hello.wav").read_bytes()
    assert fetched == [f"https://raw.githubusercontent.com/{REPOSITORY}/main/audio/hello.wav"]
    assert clip_path("hello.wav") == path and len(fetched) == 1  # the second call reads the cache


def test_a_wrong_or_failed_download_is_an_error_and_saves_nothing(installed_elsewhere, monkeypatch):
    import dae.data
    from dae.data import clip_path

    monkeypatch.setattr(dae.data._download, "_fetch", lambda url: b"RIFF not the clip")
    with pytest.raises(dae.data.CorruptDataError, match="sha256"):
        clip_path("second.wav")
    assert not (installed_elsewhere / "cache" / "clips" / "second.wav").exists()

    def offline(url):
        raise OSError("no network")

    monkeypatch.setattr(dae.data._download, "_fetch", offline)
    with pytest.raises(dae.data.DataUnavailableError, match="clone the repository"):
        clip_path("second.wav")


def test_the_clips_manifest_and_the_repository_match_the_project():
    import re

    import dae.data

    manifest = dae.data.read_manifest(dae.data.CLIPS_MANIFEST)
    assert sorted(manifest) == sorted(CLIPS)
    for name, digest in manifest.items():
        assert dae.data.sha256_bytes((AUDIO / name).read_bytes()) == digest, name
    config = (AUDIO.parent / "_config.yml").read_text()
    url = re.search(r"^\s+url:\s*(\S+)", config[config.index("repository:") :], re.M).group(1)
    assert url.rstrip("/").endswith("github.com/" + dae.data.REPOSITORY)
