"""Chapter 4's speech denoiser as a recipe: its training utterances, its mask model and its training loop.

Chapter 4 teaches each step and calls :func:`trained_mask_model`; later chapters call it too and get
the same model, loaded from the model cache (:mod:`dae.cache`) when this build has already trained it,
trained on the spot otherwise.
"""

from __future__ import annotations

import time

import numpy as np

from . import audio, cache, data, models, train
from . import settings as settings_module

WIDTH = 32  # frames per training patch: 0.26 s
BATCH_SIZE = 32
LEARNING_RATE = 1e-3
MODEL_NAME = "speech-mask-model"


def recipe(settings) -> dict:
    """The settings of the speech model's training: utterances per speaker, epochs, patch width, batch, learning rate, seed."""
    return {
        "train_per_speaker": settings.choose(full=120, quick=40),
        "epochs": settings.choose(full=12, quick=6),
        "width": WIDTH,
        "batch_size": BATCH_SIZE,
        "learning_rate": LEARNING_RATE,
        "seed": settings.seed,
    }


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
        joined, _ = data.join_utterances(train_recordings, speaker, per_speaker, seed=seed + k)
        utterances += joined
        pools += [others] * len(joined)
    return utterances, pools


def new_mask_model(first_features):
    """A fresh :func:`dae.models.spectrogram_denoiser`, standardised with the per-bin statistics of ``first_features`` (N, 129, frames)."""
    first_features = np.asarray(first_features)
    if first_features.ndim != 3 or first_features.shape[1] != audio.N_FFT // 2 + 1:
        raise ValueError(f"first_features must have shape (N, {audio.N_FFT // 2 + 1}, frames), got {first_features.shape}")
    frames = first_features.transpose(0, 2, 1).reshape(-1, first_features.shape[1])
    return models.spectrogram_denoiser(mean=frames.mean(axis=0), variance=frames.var(axis=0))


def energy_weights(features) -> np.ndarray:
    """Each bin's noisy energy |Y|^2, read back from mask features (N, 129, frames), over its patch's mean energy; float32, same shape."""
    features = np.asarray(features)
    if features.ndim != 3:
        raise ValueError(f"features must be patches of shape (N, 129, frames), got {features.shape}")
    energy = audio.denormalise(features, power=False).astype(np.float64) ** 2
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
    log=print,
) -> dict:
    """Train ``denoiser`` on one fresh noisy mixture per utterance each epoch; returns ``{"loss": [...], "epoch_seconds": [...]}``.

    Mean squared error against the phase-sensitive mask, Adam on a cosine schedule (:func:`dae.train.cosine_adam`).
    ``weighted=True`` weighs each bin's error by its noisy energy (:func:`energy_weights`), so the loud bins,
    which make up most of the sound, count most. ``first`` is epoch 0's ``(features, masks)`` if already made
    (:func:`dae.audio.training_patches` with seed 0). Each epoch's time includes making its mixtures; ``log``
    gets one line per epoch (``None``: silent).
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs <= 0:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if not isinstance(weighted, bool):
        raise ValueError(f"weighted must be True or False, got {weighted!r}")
    x, y = first if first is not None else audio.training_patches(utterances, pools, width, seed=0)
    loss = weighted_mask_loss if weighted else "mse"
    denoiser.compile(optimizer=train.cosine_adam(learning_rate, epochs=epochs, samples=len(x), batch_size=batch_size), loss=loss)
    record = {"loss": [], "epoch_seconds": []}
    for epoch in range(epochs):
        start = time.perf_counter()
        if epoch > 0:
            x, y = audio.training_patches(utterances, pools, width, seed=epoch)
        target = np.stack([y, energy_weights(x)], axis=-1) if weighted else y
        run = train.fit(denoiser, x, target, epochs=1, batch_size=batch_size, seed=epoch, verbose=0)
        record["loss"].append(run.history["loss"][0])
        record["epoch_seconds"].append(time.perf_counter() - start)
        if log is not None:
            log(f"epoch {epoch + 1:2d}/{epochs}: {len(x):,} new patches, loss {record['loss'][-1]:.4f}, {record['epoch_seconds'][-1]:.1f} s")
    return record


def trained_mask_model(settings, train_recordings=None, log=print) -> cache.CachedModel:
    """Chapter 4's trained speech mask model for these ``settings``: from the model cache, or trained now (minutes).

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
        first = audio.training_patches(utterances, pools, config["width"], seed=0)
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
        return denoiser, record | {"utterances": len(utterances), "speech_seconds": sum(map(len, utterances)) / audio.SAMPLE_RATE}

    code = (
        recipe,
        training_set,
        new_mask_model,
        train_mask_model,
        trained_mask_model,
        models.spectrogram_denoiser,
        audio.training_patches,
        audio.mask_features,
        audio.phase_sensitive_mask,
        audio.make_noise,
        data.join_utterances,
    )
    result = cache.cached_model(MODEL_NAME, config, code, make)
    if result.loaded and log is not None:
        total = sum(result.info["epoch_seconds"])
        log(f"loaded the speech model trained earlier in this build ({config['epochs']} epochs, {total / 60:.1f} min): {result.path.name}")
    return result
