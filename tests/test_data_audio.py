"""dae.data's audio loaders: FSDD and the ESC-50 cat/dog clips, their manifests, errors, download path and helpers."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import mirror_root

import dae.data._download
from dae.data import (
    ESC50_COMMIT,
    FSDD_SPEAKERS,
    FSDD_TEST_SPEAKERS,
    FSDD_URL,
    CorruptDataError,
    DataUnavailableError,
    Recording,
    esc50_catdog_metadata,
    fsdd_split,
    load_esc50_catdog,
    load_fsdd,
    read_manifest,
)

FSDD_DIR = mirror_root() / "fsdd" / "recordings"
ESC_DIR = mirror_root() / "esc50-catdog" / "audio"
needs_fsdd = pytest.mark.skipif(not FSDD_DIR.is_dir(), reason=f"no FSDD mirror at {FSDD_DIR}; set DAE_DATA_DIR")
needs_esc = pytest.mark.skipif(not ESC_DIR.is_dir(), reason=f"no ESC-50 cat/dog mirror at {ESC_DIR}; set DAE_DATA_DIR")


def _no_download(url):
    pytest.fail(f"the loader tried to download {url} although it should not have")


def _offline(url):
    raise OSError("network is unreachable (test stand-in)")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Every test gets an empty download cache, so none reads or fills the user's real one."""
    monkeypatch.setenv("DAE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def fsdd():
    if not FSDD_DIR.is_dir():
        pytest.skip(f"no FSDD mirror at {FSDD_DIR}; set DAE_DATA_DIR")
    return load_fsdd(mirror_root())


def _linked_mirror(tmp_path: Path, source: Path, sub: str, replace: dict[str, bytes] | None = None, drop=()) -> Path:
    """A mirror root under tmp_path whose ``sub`` folder symlinks the real files, except ``replace``/``drop``."""
    folder = tmp_path / "mirror" / sub
    folder.mkdir(parents=True)
    replace = replace or {}
    for path in source.glob("*.wav"):
        if path.name in drop:
            continue
        if path.name in replace:
            (folder / path.name).write_bytes(replace[path.name])
        else:
            (folder / path.name).symlink_to(path)
    return tmp_path / "mirror"


# --- manifests ---------------------------------------------------------------------------------


def test_fsdd_manifest_lists_3000_files_of_six_speakers():
    manifest = read_manifest("fsdd_v1.0.10.sha256")
    assert len(manifest) == 3000
    speakers = {name.split("_")[1] for name in manifest}
    assert speakers == set(FSDD_SPEAKERS)
    assert all(len(sha) == 64 and int(sha, 16) >= 0 for sha in manifest.values())


def test_esc50_manifest_and_metadata_name_the_same_16_files():
    manifest = read_manifest("esc50_catdog.sha256")
    rows = esc50_catdog_metadata()
    assert len(manifest) == 16
    assert {r["file"] for r in rows} == set(manifest)
    assert sorted(r["label"] for r in rows) == ["cat"] * 8 + ["dog"] * 8
    assert all(r["author"] and r["licence"] and r["freesound_url"].startswith("https://") for r in rows)


# --- FSDD from the real mirror -----------------------------------------------------------------


@needs_fsdd
def test_load_fsdd_returns_every_recording_as_float32_mono_at_8khz(fsdd):
    assert len(fsdd) == 3000
    assert all(isinstance(r, Recording) for r in fsdd)
    assert {r.sample_rate for r in fsdd} == {8000}
    assert all(r.audio.dtype == np.float32 and r.audio.ndim == 1 for r in fsdd)
    peaks = np.array([np.abs(r.audio).max() for r in fsdd])
    assert peaks.max() <= 1.0 and peaks.min() > 0.0


@needs_fsdd
def test_load_fsdd_fields_match_file_names(fsdd):
    counts = {}
    for r in fsdd:
        assert r.name == f"{r.digit}_{r.speaker}_{r.index}.wav"
        assert (FSDD_DIR / r.name).is_file()
        counts[(r.speaker, r.digit)] = counts.get((r.speaker, r.digit), 0) + 1
    assert set(counts.values()) == {50}  # 6 speakers x 10 digits x 50 takes
    assert {r.index for r in fsdd} == set(range(50))


@needs_fsdd
def test_load_fsdd_audio_equals_soundfile_reading(fsdd):
    import soundfile as sf

    rec = next(r for r in fsdd if r.name == "7_jackson_32.wav")
    expected, rate = sf.read(FSDD_DIR / rec.name, dtype="float32")
    assert rate == 8000
    np.testing.assert_array_equal(rec.audio, expected)


@needs_fsdd
def test_load_fsdd_reads_env_mirror_quickly_without_download(monkeypatch):
    monkeypatch.setenv("DAE_DATA_DIR", str(mirror_root()))
    monkeypatch.setattr(dae.data._download, "_fetch", _no_download)
    start = time.perf_counter()
    recordings = load_fsdd()
    assert len(recordings) == 3000
    assert time.perf_counter() - start < 20  # about a second on a laptop; generous for a busy CI machine


@needs_fsdd
def test_fsdd_file_with_one_changed_byte_raises_corrupt_data_error_naming_it(tmp_path, monkeypatch):
    name = "3_theo_12.wav"
    damaged = bytearray((FSDD_DIR / name).read_bytes())
    damaged[-1] ^= 0x01  # one bit of the last sample: still a valid WAV, but not the original
    root = _linked_mirror(tmp_path, FSDD_DIR, "fsdd/recordings", {name: bytes(damaged)})
    monkeypatch.setattr(dae.data._download, "_fetch", _no_download)
    with pytest.raises(CorruptDataError) as info:
        load_fsdd(root)
    assert name in str(info.value) and "sha256" in str(info.value)


@needs_fsdd
def test_fsdd_mirror_missing_a_file_and_no_network_names_mirror_file_and_url(tmp_path, monkeypatch, capsys):
    root = _linked_mirror(tmp_path, FSDD_DIR, "fsdd/recordings", drop={"0_lucas_0.wav"})
    monkeypatch.setenv("DAE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(dae.data._download, "_fetch", _offline)
    with pytest.raises(DataUnavailableError) as info:
        load_fsdd(root)
    message = str(info.value)
    assert str(root / "fsdd" / "recordings") in message
    assert "0_lucas_0.wav" in message
    assert FSDD_URL in message
    # before falling back to the network, one line says which file the mirror lacks and that it is being downloaded
    (line,) = capsys.readouterr().out.splitlines()
    assert "0_lucas_0.wav" in line and str(root / "fsdd" / "recordings") in line and "downloading" in line and FSDD_URL in line


def test_fsdd_without_mirror_or_network_names_env_var_and_url(tmp_path, monkeypatch):
    monkeypatch.delenv("DAE_DATA_DIR", raising=False)
    monkeypatch.setattr(dae.data._download, "_fetch", _offline)
    with pytest.raises(DataUnavailableError) as info:
        load_fsdd()
    message = str(info.value)
    assert "DAE_DATA_DIR" in message and FSDD_URL in message and "OSError" in message


def test_fsdd_with_an_empty_mirror_folder_names_its_path(tmp_path, monkeypatch):
    monkeypatch.setattr(dae.data._download, "_fetch", _offline)
    with pytest.raises(DataUnavailableError, match=str(tmp_path / "fsdd" / "recordings")):
        load_fsdd(tmp_path)


@needs_fsdd
def test_fsdd_download_extracts_recordings_into_the_cache_then_reuses_it(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("free-spoken-digit-dataset-1.0.10/README.md", "not a recording")
        for path in sorted(FSDD_DIR.glob("*.wav")):
            archive.write(path, f"free-spoken-digit-dataset-1.0.10/recordings/{path.name}")
    calls = []

    def fake_fetch(url):
        calls.append(url)
        return buffer.getvalue()

    monkeypatch.setattr(dae.data._download, "_fetch", fake_fetch)
    empty = tmp_path / "no-mirror"
    empty.mkdir()
    first = load_fsdd(empty)
    assert calls == [FSDD_URL]
    cached = tmp_path / "cache" / "fsdd-v1.0.10"
    assert len(list(cached.glob("*.wav"))) == 3000 and not (cached / "README.md").exists()
    monkeypatch.setattr(dae.data._download, "_fetch", _no_download)
    second = load_fsdd(empty)
    assert [r.name for r in second] == [r.name for r in first]
    np.testing.assert_array_equal(second[100].audio, first[100].audio)


def test_fsdd_download_of_wrong_data_raises_corrupt_data_error(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    manifest = read_manifest("fsdd_v1.0.10.sha256")
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in manifest:  # every expected name, none with the expected bytes
            archive.writestr(f"free-spoken-digit-dataset-1.0.10/recordings/{name}", b"RIFF not really")
    monkeypatch.setattr(dae.data._download, "_fetch", lambda url: buffer.getvalue())
    with pytest.raises(CorruptDataError, match=r"0_george_0\.wav"):
        load_fsdd(tmp_path)
    assert not (tmp_path / "cache" / "fsdd-v1.0.10").exists()  # nothing unverified is kept


def test_fsdd_download_of_an_archive_without_recordings_is_unavailable(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("free-spoken-digit-dataset-1.0.9/README.md", "no recordings here")
    monkeypatch.setattr(dae.data._download, "_fetch", lambda url: buffer.getvalue())
    with pytest.raises(DataUnavailableError, match="holds 0 of the 3000 recordings"):
        load_fsdd(tmp_path)
    assert not (tmp_path / "cache" / "fsdd-v1.0.10").exists()


# --- the speaker split -------------------------------------------------------------------------


@needs_fsdd
def test_fsdd_split_holds_out_whole_speakers(fsdd):
    train, test = fsdd_split(fsdd)
    assert {r.speaker for r in test} == set(FSDD_TEST_SPEAKERS)
    assert not {r.speaker for r in train} & set(FSDD_TEST_SPEAKERS)
    assert len(train) == 2000 and len(test) == 1000


@needs_fsdd
@pytest.mark.parametrize(
    "bad, error",
    [(("alice",), ValueError), ((), ValueError), ("theo", TypeError), (FSDD_SPEAKERS, ValueError)],
)
def test_fsdd_split_rejects_unknown_empty_string_or_all_speakers(fsdd, bad, error):
    with pytest.raises(error):
        fsdd_split(fsdd, test_speakers=bad)


# --- ESC-50 cat and dog clips ------------------------------------------------------------------


@needs_esc
def test_load_esc50_catdog_returns_16_labelled_five_second_clips(monkeypatch):
    monkeypatch.setattr(dae.data._download, "_fetch", _no_download)
    clips = load_esc50_catdog(mirror_root())
    assert len(clips) == 16
    assert sorted(c.label for c in clips) == ["cat"] * 8 + ["dog"] * 8
    for clip in clips:
        assert clip.sample_rate == 44100
        assert clip.audio.dtype == np.float32 and clip.audio.shape == (5 * 44100,)
        assert clip.author in clip.credit and clip.licence in clip.credit
    assert {c.licence for c in clips} <= {"CC0", "CC-BY", "CC-BY-NC"}


@needs_esc
def test_esc50_corrupt_clip_raises_naming_it(tmp_path, monkeypatch):
    name = "4-192236-A-0.wav"
    damaged = bytearray((ESC_DIR / name).read_bytes())
    damaged[5000] ^= 0x10
    root = _linked_mirror(tmp_path, ESC_DIR, "esc50-catdog/audio", {name: bytes(damaged)})
    monkeypatch.setattr(dae.data._download, "_fetch", _no_download)
    with pytest.raises(CorruptDataError, match=name):
        load_esc50_catdog(root)


@needs_esc
def test_esc50_download_fetches_each_file_from_the_pinned_commit(tmp_path, monkeypatch):
    urls = []

    def fake_fetch(url):
        urls.append(url)
        return (ESC_DIR / url.rsplit("/", 1)[1]).read_bytes()

    monkeypatch.setattr(dae.data._download, "_fetch", fake_fetch)
    clips = load_esc50_catdog(tmp_path)  # tmp_path has no esc50-catdog/ mirror
    assert len(clips) == 16 and len(urls) == 16
    assert all(f"/karolpiczak/ESC-50/{ESC50_COMMIT}/audio/" in u for u in urls)
    monkeypatch.setattr(dae.data._download, "_fetch", _no_download)
    assert len(load_esc50_catdog(tmp_path)) == 16  # now from the cache


def test_esc50_download_with_wrong_bytes_saves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(dae.data._download, "_fetch", lambda url: b"<html>rate limited</html>")
    with pytest.raises(CorruptDataError, match=f"{ESC50_COMMIT}/audio/4-120160-A-5.wav"):
        load_esc50_catdog(tmp_path)
    assert not list((tmp_path / "cache" / "esc50-catdog").glob("*.wav"))


def test_esc50_without_mirror_or_network_names_mirror_and_url(tmp_path, monkeypatch):
    monkeypatch.setattr(dae.data._download, "_fetch", _offline)
    with pytest.raises(DataUnavailableError) as info:
        load_esc50_catdog(tmp_path)
    message = str(info.value)
    assert str(tmp_path / "esc50-catdog" / "audio") in message
    assert f"raw.githubusercontent.com/karolpiczak/ESC-50/{ESC50_COMMIT}" in message


@needs_esc
def test_a_mirror_lacking_a_clip_says_so_in_one_line_then_downloads_it(tmp_path, monkeypatch, capsys):
    root = _linked_mirror(tmp_path, ESC_DIR, "esc50-catdog/audio", drop={"4-120160-A-5.wav"})
    monkeypatch.setattr(dae.data._download, "_fetch", lambda url: (ESC_DIR / url.rsplit("/", 1)[1]).read_bytes())
    assert len(load_esc50_catdog(root)) == 16
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    assert "4-120160-A-5.wav" in lines[0] and str(root / "esc50-catdog" / "audio") in lines[0] and "downloading" in lines[0]
    monkeypatch.setattr(dae.data._download, "_fetch", _no_download)
    load_esc50_catdog(root)
    (again,) = capsys.readouterr().out.splitlines()
    assert "4-120160-A-5.wav" in again and "downloaded earlier" in again


RACE = r"""
import os, sys, time
from pathlib import Path

import dae.data._download as download
from dae.data import load_esc50_catdog

source, log = Path(sys.argv[1]), Path(sys.argv[2])


def fetch(url):
    with open(log, "a") as out:
        out.write(url + "\n")
    time.sleep(0.02)
    return (source / url.rsplit("/", 1)[1]).read_bytes()


download._fetch = fetch
(log.parent / f"ready-{os.getpid()}").touch()
while not (log.parent / "go").exists():
    time.sleep(0.01)
print(len(load_esc50_catdog(log.parent / "no-mirror")))
"""


def _race(tmp_path, script_text: str, source) -> list[str]:
    """Start two processes running ``script_text`` at the same moment, without a mirror and with one empty cache;
    return the last line each printed (both must succeed)."""
    import os
    import subprocess
    import sys

    (tmp_path / "no-mirror").mkdir()
    script = tmp_path / "race.py"
    script.write_text(script_text)
    env = dict(os.environ, DAE_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("DAE_DATA_DIR", None)
    command = [sys.executable, str(script), str(source), str(tmp_path / "fetched.log")]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < 2:  # both imported and waiting: start them together
        assert all(p.poll() is None for p in procs) and time.monotonic() < deadline, [p.communicate()[1][-2000:] for p in procs]
        time.sleep(0.02)
    (tmp_path / "go").touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    return [out.splitlines()[-1] for out, _ in outputs]


@needs_esc
def test_two_processes_download_the_clips_once(tmp_path):
    assert _race(tmp_path, RACE, ESC_DIR) == ["16", "16"]
    fetched = (tmp_path / "fetched.log").read_text().splitlines()
    assert len(fetched) == len(set(fetched)) == 16  # each clip fetched once, by one of the two
    assert not [p.name for p in (tmp_path / "cache" / "esc50-catdog").iterdir() if p.name.endswith(".part")]


FSDD_RACE = r"""
import io, os, sys, time, zipfile
from pathlib import Path

import dae.data._download as download
import dae.data.fsdd as fsdd

source, log = Path(sys.argv[1]), Path(sys.argv[2])
# The first 20 recordings stand in for the whole archive, so that the race takes seconds, not minutes.
few = dict(sorted(fsdd.read_manifest(fsdd.FSDD_MANIFEST).items())[:20])
fsdd.read_manifest = lambda name: few


def fetch(url):
    with open(log, "a") as out:
        out.write(url + "\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in few:
            archive.writestr(f"free-spoken-digit-dataset-1.0.10/recordings/{name}", (source / name).read_bytes())
    time.sleep(0.5)  # a slow network: the other process arrives while this one is still downloading
    return buffer.getvalue()


download._fetch = fetch
(log.parent / f"ready-{os.getpid()}").touch()
while not (log.parent / "go").exists():
    time.sleep(0.01)
print(len(fsdd.load_fsdd(log.parent / "no-mirror")))
"""


@needs_fsdd
def test_two_processes_loading_fsdd_for_the_first_time_download_it_once(tmp_path):
    assert _race(tmp_path, FSDD_RACE, FSDD_DIR) == ["20", "20"]  # both loaded the recordings
    assert (tmp_path / "fetched.log").read_text().splitlines() == [FSDD_URL]  # one download, by one of the two
    folders = sorted(p.name for p in (tmp_path / "cache").iterdir() if p.is_dir())
    assert folders == ["fsdd-v1.0.10"] and len(list((tmp_path / "cache" / "fsdd-v1.0.10").iterdir())) == 20
