"""How good are generated digits? A small digit classifier reads them, and its features compare them with real ones.

Three measures, all through one convolutional classifier trained on the MNIST training digits
(:func:`digit_classifier`): the share of digits it labels with confidence of at least 0.9
(:func:`confident_share`), how the labels spread over the ten classes (:func:`class_histogram`), and the
Fréchet distance (:func:`frechet_distance`) between Gaussians fitted to its penultimate-layer features
(:func:`features`) of two sets of digits: 0 for identical statistics, larger the further apart they are.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ._checks import check_images, check_positive_int

FEATURES_LAYER = "features"  # the classifier's penultimate layer, whose outputs the Fréchet distance compares


def digit_classifier(features: int = 64, learning_rate: float = 1e-3):
    """A compiled Keras classifier: digits (N, 28, 28, 1) in [0, 1] -> probabilities (N, 10).

    Two 3x3 ReLU convolutions (32 and 64 filters), each followed by 2x2 max pooling, then a dense ReLU layer of
    ``features`` units named ``features``, then softmax; Adam, cross-entropy, accuracy.
    """
    import keras
    from keras import layers

    features = check_positive_int(features, "features")
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1), name="digit"),
            layers.Conv2D(32, 3, activation="relu", name="conv_a"),
            layers.MaxPooling2D(2, name="pool_a"),
            layers.Conv2D(64, 3, activation="relu", name="conv_b"),
            layers.MaxPooling2D(2, name="pool_b"),
            layers.Flatten(name="flatten"),
            layers.Dense(features, activation="relu", name=FEATURES_LAYER),
            layers.Dense(10, activation="softmax", name="class_probabilities"),
        ],
        name="digit_classifier",
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _digits(images) -> np.ndarray:
    images = check_images(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[1:] != (28, 28, 1):
        raise ValueError(f"images must be digits (N, 28, 28) or (N, 28, 28, 1), got shape {images.shape}")
    return images.astype(np.float32)


def probabilities(classifier, images, batch_size: int = 1000) -> np.ndarray:
    """Digits (N, 28, 28[, 1]) in [0, 1] -> the classifier's probabilities (N, 10)."""
    return np.asarray(classifier.predict(_digits(images), batch_size=batch_size, verbose=0), dtype=np.float64)


def features(classifier, images, batch_size: int = 1000) -> np.ndarray:
    """Digits (N, 28, 28[, 1]) in [0, 1] -> the classifier's penultimate-layer features (N, units)."""
    import keras

    inner = keras.Model(classifier.inputs, classifier.get_layer(FEATURES_LAYER).output)
    return np.asarray(inner.predict(_digits(images), batch_size=batch_size, verbose=0), dtype=np.float64)


def confident_share(probs, threshold: float = 0.9) -> float:
    """The share in [0, 1] of rows of ``probs`` (N, classes) whose largest probability is at least ``threshold``."""
    probs = _check_probabilities(probs)
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must lie in (0, 1], got {threshold!r}")
    return float(np.mean(probs.max(axis=1) >= threshold))


def class_histogram(probs) -> np.ndarray:
    """The share (classes,) of rows of ``probs`` (N, classes) given each label (the most probable class); sums to 1."""
    probs = _check_probabilities(probs)
    return np.bincount(probs.argmax(axis=1), minlength=probs.shape[1]) / len(probs)


def frechet_distance(first, second) -> float:
    """The Fréchet distance between Gaussians fitted to two sets of features, (N, d) and (M, d); 0 when they match.

    ||m1 - m2||² + trace(C1 + C2 - 2 (C1 C2)^½), with m and C each set's mean and covariance: the squared
    distance of the means plus how far the spreads differ. Needs at least 2 rows in each set.
    """
    first, second = (np.asarray(f, dtype=np.float64) for f in (first, second))
    for name, f in (("first", first), ("second", second)):
        if f.ndim != 2 or len(f) < 2 or not np.all(np.isfinite(f)):
            raise ValueError(f"{name} must be finite features (N, d) with N >= 2, got shape {f.shape}")
    if first.shape[1] != second.shape[1]:
        raise ValueError(f"the two sets must have the same number of features, got {first.shape[1]} and {second.shape[1]}")
    mean_gap = first.mean(0) - second.mean(0)
    c1, c2 = np.cov(first, rowvar=False), np.cov(second, rowvar=False)
    # trace((C1 C2)^½) from the symmetric C1^½ C2 C1^½, which has the same eigenvalues and stays exact when a
    # covariance is singular (fewer samples than features, or features that are always 0).
    values, vectors = linalg.eigh(c1)
    root_c1 = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    cross = np.sqrt(np.clip(linalg.eigvalsh(root_c1 @ c2 @ root_c1), 0.0, None)).sum()
    return float(max(mean_gap @ mean_gap + np.trace(c1) + np.trace(c2) - 2.0 * cross, 0.0))


def trained_classifier(settings, images, labels, log=print):
    """(classifier, info): :func:`digit_classifier` trained on digits (N, 28, 28[, 1]) in [0, 1] and their labels (N,),
    from the model cache or trained now; quick mode trains one epoch on 12,000 digits, full settings three on all."""
    from . import cache, train
    from . import settings as settings_module

    config = {
        "epochs": settings.choose(full=3, quick=1),
        "digits": settings.choose(full=len(images), quick=min(12000, len(images))),
        "batch_size": settings.choose(full=128, quick=64),
        "seed": settings.seed,
    }

    def make():
        settings_module.seed_everything(config["seed"])
        model = digit_classifier()
        run = train.fit(
            model,
            _digits(images[: config["digits"]]),
            np.asarray(labels[: config["digits"]]),
            epochs=config["epochs"],
            batch_size=config["batch_size"],
        )
        return model, {"history": run.history, "seconds": run.seconds}

    result = cache.cached_model("ch07-classifier", config, (digit_classifier, trained_classifier, train.fit), make)
    if result.loaded and log is not None:
        log(f"loaded the digit classifier trained earlier in this build ({config['epochs']} epochs, {result.info['seconds']:.0f} s)")
    return result.model, result.info


def _check_probabilities(probs) -> np.ndarray:
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2 or len(probs) == 0 or probs.shape[1] < 2:
        raise ValueError(f"probs must be (N, classes) with N >= 1 and at least 2 classes, got shape {probs.shape}")
    if not np.all(np.isfinite(probs)) or probs.min() < 0 or not np.allclose(probs.sum(1), 1.0, atol=1e-3):
        raise ValueError("each row of probs must be probabilities: finite, non-negative, summing to 1")
    return probs
