"""dae.cache under pressure: the key follows every module constant; two processes asking for one model train it once.

Both tests run Python in subprocesses: one against a copy of the package whose constants it changes one at a time,
two racing for the same key, round after round.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One process against a copy of the package: the key of the unchanged copy, then of each file changed in turn.
CHANGES = [
    ("spectrogram.py", "N_FFT = 256", "N_FFT = 512"),
    ("masks.py", "FEATURE_RMS = 0.05", "FEATURE_RMS = 0.06"),
    ("sound.py", 'NOISE_KINDS = ("white", "pink", "babble", "hum")', 'NOISE_KINDS = ("white", "pink", "babble")'),
]
KEY_SCRIPT = """
import json, sys
from pathlib import Path

import dae
from dae import cache, speech

root, changes = Path(sys.argv[1]), json.loads(sys.argv[2])
assert Path(dae.__file__).resolve().is_relative_to(root.resolve()), dae.__file__


def key():
    return cache.model_key(speech.MODEL_NAME, {"epochs": 3}, speech.recipe_code())


keys = {"unchanged": key()}
for module, old, new in changes:
    path = root / "dae" / module
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not in {module} once: update this test"
    path.write_text(text.replace(old, new))
    keys[module] = key()
    path.write_text(text)
print(json.dumps(keys))
"""


def _env(pythonpath: Path, **extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(pythonpath), TF_CPP_MIN_LOG_LEVEL="3", **extra)
    env.pop("PYTHONSTARTUP", None)
    return env


def test_changing_a_module_constant_changes_the_speech_models_key(tmp_path):
    from dae import cache, speech

    shutil.copytree(ROOT / "dae", tmp_path / "dae", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [sys.executable, "-c", KEY_SCRIPT, str(tmp_path), json.dumps(CHANGES)],
        env=_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    keys = json.loads(done.stdout.strip().splitlines()[-1])
    # The same sources elsewhere give the same key: the key names files by their place in the package.
    assert keys["unchanged"] == cache.model_key(speech.MODEL_NAME, {"epochs": 3}, speech.recipe_code())
    for module, _, _ in CHANGES:
        assert keys[module].startswith("speech-mask-model-") and keys[module] != keys["unchanged"], module
    assert len(set(keys.values())) == len(keys)


RACE_SCRIPT = r"""
import json, os, sys, time
from pathlib import Path

from dae import cache

work, me, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])


def tiny_model():
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(3,))
    return keras.Model(inputs, keras.layers.Dense(2)(inputs))


for r in range(rounds):
    (work / f"ready-{me}-{r}").touch()
    while not (work / f"go-{r}").exists():  # both start each round together
        time.sleep(0.01)

    def train():
        with open(work / "trainings.log", "a") as log:
            log.write(f"{me} {r}\n")
        time.sleep(0.5)  # long enough for the other process to arrive and wait
        return tiny_model(), {"round": r, "by": me}

    got = cache.cached_model("race", {"round": r}, [tiny_model], train)
    with open(work / f"result-{me}.jsonl", "a") as out:
        out.write(json.dumps({"round": r, "loaded": got.loaded, "info": got.info, "path": str(got.path)}) + "\n")
"""


def test_two_processes_asking_for_one_model_train_it_once(tmp_path):
    rounds = 5
    results = tmp_path / "results"
    script = tmp_path / "race.py"
    script.write_text(RACE_SCRIPT)
    env = _env(ROOT, DAE_RESULTS_DIR=str(results))
    procs = [
        subprocess.Popen([sys.executable, str(script), str(tmp_path), me, str(rounds)], env=env, stderr=subprocess.PIPE, text=True) for me in "ab"
    ]
    try:
        for r in range(rounds):
            deadline = time.monotonic() + 240
            while not all((tmp_path / f"ready-{me}-{r}").exists() for me in "ab"):
                assert all(p.poll() is None for p in procs), "a process died before the round began"
                assert time.monotonic() < deadline, f"round {r} never began"
                time.sleep(0.02)
            (tmp_path / f"go-{r}").touch()
        errors = [p.communicate(timeout=240)[1] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0, 0], "\n".join(e[-3000:] for e in errors)
    trainings = [line.split() for line in (tmp_path / "trainings.log").read_text().splitlines()]
    assert sorted(int(r) for _, r in trainings) == list(range(rounds)), f"expected one training per round, got {trainings}"
    outcomes = {me: [json.loads(line) for line in (tmp_path / f"result-{me}.jsonl").read_text().splitlines()] for me in "ab"}
    for r in range(rounds):
        a, b = outcomes["a"][r], outcomes["b"][r]
        assert sorted([a["loaded"], b["loaded"]]) == [False, True], (a, b)
        assert a["info"] == b["info"] and a["path"] == b["path"]  # the waiting one loaded what the other trained
    # Nothing half-written is left, and what is there loads.
    folder = results / "models"
    assert not list(folder.glob("*partial*"))
    saved = sorted(folder.glob("race-*.keras"))
    assert len(saved) == rounds
    import keras

    for path in saved:
        keras.models.load_model(path, compile=False)
        assert json.loads(path.with_suffix(".json").read_text())["name"] == "race"
