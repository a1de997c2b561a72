"""dae.speech.join_utterances: "phone numbers" joined from one FSDD speaker's recordings (needs the FSDD mirror)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import mirror_root

from dae.data import load_fsdd
from dae.speech import join_utterances

FSDD_DIR = mirror_root() / "fsdd" / "recordings"
needs_fsdd = pytest.mark.skipif(not FSDD_DIR.is_dir(), reason=f"no FSDD mirror at {FSDD_DIR}; set DAE_DATA_DIR")


@pytest.fixture(scope="module")
def fsdd():
    if not FSDD_DIR.is_dir():
        pytest.skip(f"no FSDD mirror at {FSDD_DIR}; set DAE_DATA_DIR")
    return load_fsdd(mirror_root())


@needs_fsdd
def test_join_utterances_is_deterministic_and_seed_dependent(fsdd):
    a_audio, a_digits = join_utterances(fsdd, "theo", 6, seed=3)
    b_audio, b_digits = join_utterances(list(reversed(fsdd)), "theo", 6, seed=3)  # input order must not matter
    c_audio, c_digits = join_utterances(fsdd, "theo", 6, seed=4)
    assert a_digits == b_digits
    assert all(np.array_equal(x, y) for x, y in zip(a_audio, b_audio))
    assert a_digits != c_digits


@needs_fsdd
@pytest.mark.parametrize("speaker", ["theo", "yweweler", "george"])
def test_join_utterances_lengths_digits_and_audio(fsdd, speaker):
    audios, digits = join_utterances(fsdd, speaker, 30, seed=0)
    assert len(audios) == len(digits) == 30
    seconds = np.array([len(a) / 8000 for a in audios])
    assert seconds.min() >= 2.0 and seconds.max() <= 5.0
    assert seconds.std() > 0.3  # lengths spread over the range, not all the same
    for audio, text in zip(audios, digits):
        assert audio.dtype == np.float32 and audio.ndim == 1
        assert text.isdigit() and len(text) >= 2


@needs_fsdd
def test_join_utterances_is_the_speakers_recordings_with_pauses(fsdd):
    (audio,), (text,) = join_utterances(fsdd, "jackson", 1, seed=11, pause=(0.2, 0.2))
    jackson = [r for r in fsdd if r.speaker == "jackson"]
    # Rebuild the utterance from its digits: each piece must be one of jackson's takes of that digit.
    position, gap = 0, 1600
    for k, digit in enumerate(text):
        if k:
            assert not np.any(audio[position : position + gap])
            position += gap
        match = [r for r in jackson if r.digit == int(digit) and np.array_equal(audio[position : position + len(r.audio)], r.audio)]
        assert match, f"piece {k} is not a recording of jackson saying {digit}"
        position += len(match[0].audio)
    assert position == len(audio)


@needs_fsdd
@pytest.mark.parametrize(
    "kwargs",
    [
        dict(speaker="alice"),
        dict(count=0),
        dict(seed=-1),
        dict(min_seconds=5.0, max_seconds=2.0),
        dict(max_seconds=float("inf")),
        dict(pause=(0.3, 0.1)),
        dict(min_seconds=0.5, max_seconds=0.6),  # no recording pair fits
    ],
)
def test_join_utterances_rejects_bad_arguments(fsdd, kwargs):
    args = dict(speaker="theo", count=2, seed=0) | kwargs
    with pytest.raises(ValueError):
        join_utterances(fsdd, **args)


def test_denoise_applies_the_predicted_masks_to_each_clip():
    from dae import masks, speech

    class AllPass:  # a "model" whose mask keeps every bin
        def predict(self, patches, batch_size, verbose):
            return np.ones(patches.shape, np.float32)

    rng = np.random.default_rng(0)
    noisy = [0.1 * rng.standard_normal(n).astype(np.float32) for n in (4000, 6000)]
    found = speech.predicted_masks(AllPass(), noisy)
    assert [m.shape for m in found] == [masks.mask_features(y).shape for y in noisy]
    out = speech.denoise(AllPass(), noisy)
    assert [len(o) for o in out] == [len(y) for y in noisy]
    for y, o in zip(noisy, out):
        np.testing.assert_allclose(o, masks.apply_mask(np.ones_like(masks.mask_features(y)), y), atol=1e-6)


def test_train_mask_model_refuses_an_unknown_target():
    from dae import speech

    with pytest.raises(ValueError, match="target must be one of"):
        speech.train_mask_model(None, [np.zeros(800, np.float32)], [[]], epochs=1, target="binary")
