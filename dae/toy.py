"""Denoising in two dimensions: points on a curve (a stand-in for the digits' manifold), Gaussian noise that
pushes them off it, a small Keras network trained noisy -> clean, and the field of arrows it learns.

Under squared error the best denoiser outputs ``E[clean | noisy]``; on this toy that average lies on or near
the curve, so the learned arrows (output - input) point back onto it. Chapter 2 draws them.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_non_negative, check_positive_int, rng

TURNS = 1.25  # how far the spiral winds: one and a quarter turns, arms 1 apart


def _spiral(t: np.ndarray) -> np.ndarray:
    # Arc parameter t in [0, 1] -> points (len(t), 2) on a spiral from radius 0.5 to 1.75 (an Archimedean spiral).
    angle = 2 * np.pi * TURNS * t
    radius = 0.5 + TURNS * t  # grows by 1 each turn
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=-1).astype(np.float32)


def curve_points(n: int = 2000, seed=0) -> np.ndarray:
    """``n`` points (n, 2) drawn along the spiral, in order along it (so they also draw the curve)."""
    n = check_positive_int(n, "n")
    return _spiral(np.sort(rng(seed).uniform(0.0, 1.0, size=n)))


def noisy_pairs(points, sigma: float = 0.15, seed=1, copies: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(noisy, clean), each (n * copies, 2): every point of ``points`` (n, 2) plus ``copies`` draws of N(0, sigma²) noise."""
    points = _check_points(points)
    sigma = check_non_negative(sigma, "sigma")
    copies = check_positive_int(copies, "copies")
    clean = np.repeat(points, copies, axis=0)
    noisy = clean + sigma * rng(seed).standard_normal(clean.shape)
    return noisy.astype(np.float32), clean


def distance_to_curve(points, samples: int = 4000) -> np.ndarray:
    """Each point's (n, 2) distance (n,) to the spiral, measured against ``samples`` points along it."""
    points = _check_points(points)
    curve = _spiral(np.linspace(0.0, 1.0, check_positive_int(samples, "samples")))
    # Chunks keep the (chunk, samples) table of distances small.
    return np.concatenate([np.sqrt(((p[:, None, :] - curve[None]) ** 2).sum(-1)).min(1) for p in np.array_split(points, max(1, len(points) // 500))])


def toy_denoiser(hidden: int = 64, learning_rate: float = 0.01):
    """A compiled Keras network (N, 2) -> (N, 2): two ReLU layers of ``hidden`` units, a linear output; Adam, MSE."""
    import keras
    from keras import layers

    hidden = check_positive_int(hidden, "hidden")
    learning_rate = check_non_negative(learning_rate, "learning_rate")
    model = keras.Sequential(
        [keras.Input(shape=(2,)), layers.Dense(hidden, activation="relu"), layers.Dense(hidden, activation="relu"), layers.Dense(2)],
        name="toy_denoiser",
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return model


def plot_denoising_field(model, points, noisy, grid: int = 21, title: str | None = None):
    """A Figure: the curve through ``points`` (n, 2), the ``noisy`` points (m, 2) and, on a ``grid`` x ``grid``
    lattice of inputs, an arrow from each input to the model's output (output - input, drawn to scale)."""
    import matplotlib.pyplot as plt

    points, noisy = _check_points(points), _check_points(noisy, "noisy")
    grid = check_positive_int(grid, "grid", "a positive int (arrows per side)")
    low, high = noisy.min(0), noisy.max(0)
    xs, ys = np.meshgrid(np.linspace(low[0], high[0], grid), np.linspace(low[1], high[1], grid))
    inputs = np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)
    arrows = np.asarray(model.predict(inputs, verbose=0)) - inputs
    fig, ax = plt.subplots(figsize=(5.5, 6.0))
    ax.scatter(noisy[:, 0], noisy[:, 1], s=3, color="0.65", alpha=0.6, label="noisy points")
    ax.plot(points[:, 0], points[:, 1], color="tab:blue", lw=2, label="the curve (clean points)")
    # Drawn to scale (one unit of arrow = one unit of the axes): each arrow ends where the model puts its input.
    ax.quiver(*inputs.T, *arrows.T, angles="xy", scale_units="xy", scale=1, width=0.0035, color="tab:red", label="denoiser: input → output")
    ax.set_aspect("equal")
    ax.set_xlabel("first coordinate")
    ax.set_ylabel("second coordinate")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=9, frameon=False)
    ax.set_title(title or "What a denoiser learns: arrows back to the curve", fontsize=11)
    fig.tight_layout()
    return fig


def _check_points(points, name: str = "points") -> np.ndarray:
    array = np.asarray(points, dtype=np.float32)
    if array.ndim != 2 or array.shape[1] != 2 or len(array) == 0:
        raise ValueError(f"{name} must be a non-empty array of 2-D points, shape (n, 2), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array
