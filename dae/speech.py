"""Chapter 5's speech denoiser as a recipe: its training utterances, its mask model and its training loop.

Chapter 5 teaches each step and calls :func:`trained_mask_model`; later chapters call it too and get
the same model, loaded from the model cache (:mod:`dae.cache`) when this build has already trained it,
trained on the spot otherwise.
"""

from __future__ import annotations

import time

import numpy as np

from . import cache, data, masks, models, sound, spectrogram, train
from . import settings as settings_module
from ._checks import check_flag, check_non_negative_int, check_positive_int

WIDTH = 32  # frames per training patch: 0.26 s
BATCH_SIZE = 32
LEARNING_RATE = 1e-3
MODEL_NAME = "speech-mask-model"


def recipe(settings) -> dict:
    """The settings of the speech model's training: utterances per speaker, epochs, patch width, batch, learning rate, seed."""
    return {
        "train_per_speaker": settings.choose(full=120, quick=25),
        "epochs": settings.choose(full=12, quick=4),
        "width": WIDTH,
        "batch_size": BATCH_SIZE,
        "learning_rate": LEARNING_RATE,
        "seed": settings.seed,
    }


def join_utterances(
    recordings,
    speaker: str,
    count: int,
    seed: int,
    min_seconds: float = 2.0,
    max_seconds: float = 5.0,
    pause: tuple[float, float] = (0.1, 0.3),
) -> tuple[list[np.ndarray], list[str]]:
    """``count`` "phone numbers" by one speaker: random digits joined by silences, each min..max seconds long.

    Returns (float32 audio arrays, digit strings such as ``"40917"``). The same arguments always give the
    same utterances: the draws depend only on ``seed`` and on the speaker's recordings, not on their order.
    """
    low, high = _check_join(count, seed, min_seconds, max_seconds, pause)
    pool = sorted((r for r in recordings if r.speaker == speaker), key=lambda r: (r.digit, r.index))
    if not pool:
        raise ValueError(f"no recordings of speaker {speaker!r}; speakers present: {sorted({r.speaker for r in recordings})}")
    rates = {r.sample_rate for r in pool}
    if len(rates) != 1:
        raise ValueError(f"recordings of {speaker!r} have different sample rates {sorted(rates)}")
    rate = rates.pop()
    min_len, max_len = round(min_seconds * rate), round(max_seconds * rate)
    rng = np.random.default_rng(seed)
    audios, digits = [], []
    for _ in range(count):
        target = rng.integers(min_len, max_len + 1)
        pieces, text, length = [], "", 0
        rejected = 0
        while length < target:
            rec = pool[rng.integers(len(pool))]
            gap = round(rng.uniform(low, high) * rate) if pieces else 0
            if length + gap + len(rec.audio) > max_len:
                if length >= min_len:
                    break  # long enough already: stop rather than run past max_seconds
                rejected += 1
                if rejected > 1000:
                    raise ValueError(
                        f"cannot reach {min_seconds} s without passing {max_seconds} s with {speaker!r}'s recordings "
                        f"(up to {max(len(r.audio) for r in pool) / rate:.2f} s) and pauses up to {high} s; widen the range"
                    )
                continue
            if gap:
                pieces.append(np.zeros(gap, dtype=np.float32))
            pieces.append(rec.audio)
            text += str(rec.digit)
            length += gap + len(rec.audio)
        audios.append(np.concatenate(pieces).astype(np.float32, copy=False))
        digits.append(text)
    return audios, digits


def training_set(train_recordings, per_speaker: int, seed: int = 100) -> tuple[list[np.ndarray], list[list[np.ndarray]]]:
    """``per_speaker`` joined utterances of each training speaker, and for each the babble pool of the other speakers.

    A quarter of the other speakers' recordings is plenty of voices for babble; speaker ``k`` (in sorted
    order) draws its utterances with seed ``seed + k``.
    """
    speakers = sorted({r.speaker for r in train_recordings})
    if not speakers:
        raise ValueError("train_recordings is empty")
    utterances, pools = [], []
    for k, speaker in enumerate(speakers):
        others = [r.audio for r in train_recordings if r.speaker != speaker][::4]
        joined, _ = join_utterances(train_recordings, speaker, per_speaker, seed=seed + k)
        utterances += joined
        pools += [others] * len(joined)
    return utterances, pools


def new_mask_model(first_features):
    """A fresh :func:`dae.models.spectrogram_denoiser`, standardised with the per-bin statistics of ``first_features`` (N, 129, frames)."""
    first_features = np.asarray(first_features)
    if first_features.ndim != 3 or first_features.shape[1] != spectrogram.N_FFT // 2 + 1:
        raise ValueError(f"first_features must have shape (N, {spectrogram.N_FFT // 2 + 1}, frames), got {first_features.shape}")
    frames = first_features.transpose(0, 2, 1).reshape(-1, first_features.shape[1])
    return models.spectrogram_denoiser(mean=frames.mean(axis=0), variance=frames.var(axis=0))


def energy_weights(features) -> np.ndarray:
    """Each bin's noisy energy |Y|^2, read back from mask features (N, 129, frames), over its patch's mean energy; float32, same shape."""
    features = np.asarray(features)
    if features.ndim != 3:
        raise ValueError(f"features must be patches of shape (N, 129, frames), got {features.shape}")
    energy = spectrogram.denormalise(features, power=False).astype(np.float64) ** 2
    return (energy / energy.mean(axis=(1, 2), keepdims=True)).astype(np.float32)


def weighted_mask_loss(y_true, y_pred):
    """Squared mask error weighted per bin: ``y_true[..., 0]`` is the target mask, ``y_true[..., 1]`` the bin's weight."""
    import keras

    return keras.ops.mean(y_true[..., 1] * keras.ops.square(y_pred - y_true[..., 0]), axis=(1, 2))


def train_mask_model(
    denoiser,
    utterances,
    pools,
    *,
    epochs: int,
    width: int = WIDTH,
    batch_size: int = BATCH_SIZE,
    learning_rate: float = LEARNING_RATE,
    first=None,
    weighted: bool = False,
    target: str = "phase-sensitive",
    log=print,
) -> dict:
    """Train ``denoiser`` on one fresh noisy mixture per utterance each epoch; returns ``{"loss": [...], "epoch_seconds": [...]}``.

    Mean squared error against the phase-sensitive mask (``target="ratio"``: the ideal ratio mask), Adam on a
    cosine schedule (:func:`dae.train.cosine_adam`). ``weighted=True`` weighs each bin's error by its noisy energy
    (:func:`energy_weights`), so the loud bins, which make up most of the sound, count most: against the
    phase-sensitive mask that is, up to a constant per patch, the phase-sensitive spectrum approximation of
    Erdogan et al. (2015), the squared error of the masked noisy STFT against the clean one. ``first`` is
    epoch 0's ``(features, masks)`` if already made (:func:`dae.masks.training_patches` with seed 0). Each
    epoch's time includes making its mixtures; ``log`` gets one line per epoch (``None``: silent).
    """
    check_positive_int(epochs, "epochs")
    check_flag(weighted, "weighted")
    if target not in masks.TARGETS:
        raise ValueError(f"target must be one of {sorted(masks.TARGETS)}, got {target!r}")
    x, y = first if first is not None else masks.training_patches(utterances, pools, width, seed=0, target=target)
    loss = weighted_mask_loss if weighted else "mse"
    denoiser.compile(optimizer=train.cosine_adam(learning_rate, epochs=epochs, samples=len(x), batch_size=batch_size), loss=loss)
    record = {"loss": [], "epoch_seconds": []}
    for epoch in range(epochs):
        start = time.perf_counter()
        if epoch > 0:
            x, y = masks.training_patches(utterances, pools, width, seed=epoch, target=target)
        goal = np.stack([y, energy_weights(x)], axis=-1) if weighted else y
        run = train.fit(denoiser, x, goal, epochs=1, batch_size=batch_size, seed=epoch, verbose=0)
        record["loss"].append(run.history["loss"][0])
        record["epoch_seconds"].append(time.perf_counter() - start)
        if log is not None:
            log(f"epoch {epoch + 1:2d}/{epochs}: {len(x):,} new patches, loss {record['loss'][-1]:.4f}, {record['epoch_seconds'][-1]:.1f} s")
    return record


def predicted_masks(model, noisy) -> list[np.ndarray]:
    """A mask model's masks for a list of noisy signals: every clip's patches through one ``predict`` call."""
    features = [masks.mask_features(y) for y in noisy]
    return masks.predict_masks(lambda p: model.predict(p, batch_size=256, verbose=0), features, WIDTH, WIDTH // 2)


def denoise(model, noisy) -> list[np.ndarray]:
    """Denoise a list of noisy signals with a mask model: each clip's STFT times its predicted mask, back to sound."""
    return [masks.apply_mask(m, y) for m, y in zip(predicted_masks(model, noisy), noisy)]


def trained_mask_model(settings, train_recordings=None, log=print) -> cache.CachedModel:
    """Chapter 5's trained speech mask model for these ``settings``: from the model cache, or trained now (minutes).

    ``train_recordings`` are FSDD's training speakers (``dae.data.fsdd_split``), loaded here if omitted.
    The model is seeded with ``settings.seed`` just before it is built, so it does not depend on what ran before.
    ``info`` holds the loss history, each epoch's seconds, and the number and total seconds of the training utterances.
    """
    config = recipe(settings)

    def make():
        recordings = train_recordings
        if recordings is None:
            recordings, _ = data.fsdd_split(data.load_fsdd())
        utterances, pools = training_set(recordings, config["train_per_speaker"])
        first = masks.training_patches(utterances, pools, config["width"], seed=0)
        settings_module.seed_everything(config["seed"])
        _, _, denoiser = new_mask_model(first[0])
        record = train_mask_model(
            denoiser,
            utterances,
            pools,
            epochs=config["epochs"],
            width=config["width"],
            batch_size=config["batch_size"],
            learning_rate=config["learning_rate"],
            first=first,
            log=log,
        )
        return denoiser, record | {"utterances": len(utterances), "speech_seconds": sum(map(len, utterances)) / sound.SAMPLE_RATE}

    result = cache.cached_model(MODEL_NAME, config, recipe_code(), make)
    if result.loaded and log is not None:
        total = sum(result.info["epoch_seconds"])
        log(f"loaded the speech model trained earlier in this build ({config['epochs']} epochs, {total / 60:.1f} min)")
    return result


def recipe_code() -> tuple:
    """The functions that make and train the speech model: the model cache keys on them and on their modules' source."""
    return (
        recipe,
        training_set,
        new_mask_model,
        train_mask_model,
        trained_mask_model,
        models.spectrogram_denoiser,
        masks.training_patches,
        masks.mask_features,
        masks.phase_sensitive_mask,
        sound.make_noise,
        join_utterances,
    )


def _check_join(count, seed, min_seconds, max_seconds, pause) -> tuple[float, float]:
    """The checked arguments of :func:`join_utterances`; returns the (low, high) pause in seconds."""
    check_positive_int(count, "count", "a positive int")
    check_non_negative_int(seed, "seed")
    if not (np.isfinite(min_seconds) and np.isfinite(max_seconds) and 0 < min_seconds < max_seconds):
        raise ValueError(f"need 0 < min_seconds < max_seconds (finite), got {min_seconds!r} and {max_seconds!r}")
    low, high = pause
    if not (np.isfinite(low) and np.isfinite(high) and 0 <= low <= high):
        raise ValueError(f"pause must be (low, high) seconds with 0 <= low <= high, got {pause!r}")
    return low, high
