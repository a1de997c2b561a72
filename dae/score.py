"""From a denoiser to the score, on the 2-D toy: Tweedie's formula and annealed Langevin dynamics.

A denoiser trained at noise level sigma under squared error outputs ``D(x, sigma) = E[clean | noisy = x]``, and
Tweedie's formula (Efron 2011) turns that into the gradient of the log-density of the noisy points, the *score*:
``score(x, sigma) = (D(x, sigma) - x) / sigma**2``. :func:`noise_conditional_denoiser` is one small network that
denoises at any sigma (given as a second input); :func:`annealed_langevin` follows its scores from random points
onto the curve of :mod:`dae.toy`, from large sigma to small (Song and Ermon 2019).
"""

from __future__ import annotations

import numpy as np

from . import toy
from ._checks import check_non_negative, check_positive_int, rng


def noise_conditional_denoiser(hidden: int = 128, learning_rate: float = 3e-3):
    """A compiled Keras network ((N, 2) noisy points, (N, 1) log sigma) -> (N, 2): the noise it sees, divided by sigma.

    Three swish layers of ``hidden`` units. Predicting the noise over sigma and training with squared error is
    denoising score matching with the usual weight: the denoiser's error divided by sigma². Adam, MSE.
    """
    import keras
    from keras import layers

    hidden = check_positive_int(hidden, "hidden")
    points = keras.Input(shape=(2,), name="noisy")
    log_sigma = keras.Input(shape=(1,), name="log_sigma")
    x = layers.Concatenate(name="both")([points, log_sigma])
    for i in range(3):
        x = layers.Dense(hidden, activation="swish", name=f"hidden_{i}")(x)
    model = keras.Model([points, log_sigma], layers.Dense(2, name="noise")(x), name="toy_noise_conditional")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return model


def training_pairs(points, sigma_min: float = 0.02, sigma_max: float = 2.0, copies: int = 50, seed: int = 2):
    """((noisy (M, 2), log sigma (M, 1)), scaled noise (M, 2)) with M = n * copies, sigma log-uniform in [sigma_min, sigma_max]."""
    sigma_min, sigma_max = check_non_negative(sigma_min, "sigma_min"), check_non_negative(sigma_max, "sigma_max")
    if not 0 < sigma_min < sigma_max:
        raise ValueError(f"need 0 < sigma_min < sigma_max, got {sigma_min} and {sigma_max}")
    clean = np.repeat(np.asarray(points, dtype=np.float32), check_positive_int(copies, "copies"), axis=0)
    draw = rng(seed)
    sigma = np.exp(draw.uniform(np.log(sigma_min), np.log(sigma_max), size=(len(clean), 1))).astype(np.float32)
    noise = draw.standard_normal(clean.shape).astype(np.float32)
    return (clean + sigma * noise, np.log(sigma)), noise


def denoise(model, points, sigma: float) -> np.ndarray:
    """The denoiser's output D(x, sigma) (N, 2) for points (N, 2): x minus sigma times the predicted scaled noise."""
    points = np.asarray(points, dtype=np.float32)
    sigma = check_non_negative(sigma, "sigma")
    log_sigma = np.full((len(points), 1), np.log(sigma), dtype=np.float32)
    return points - sigma * np.asarray(model([points, log_sigma], training=False))


def score(model, points, sigma: float) -> np.ndarray:
    """Tweedie's formula: the score (N, 2) at points (N, 2) and noise level sigma, (D(x, sigma) - x) / sigma²."""
    points = np.asarray(points, dtype=np.float32)
    return (denoise(model, points, sigma) - points) / sigma**2


def sigma_levels(sigma_max: float = 2.0, sigma_min: float = 0.02, count: int = 10) -> np.ndarray:
    """``count`` noise levels (count,) falling geometrically from ``sigma_max`` to ``sigma_min``."""
    return np.geomspace(check_non_negative(sigma_max, "sigma_max"), check_non_negative(sigma_min, "sigma_min"), check_positive_int(count, "count"))


def annealed_langevin(model, start, sigmas, steps: int = 30, step_size: float = 2e-4, seed: int = 0, finish: bool = True):
    """Annealed Langevin dynamics (Song and Ermon 2019): points (N, 2) -> (final (N, 2), path (levels + 1, N, 2)).

    At each sigma in ``sigmas`` (falling), ``steps`` times: x += a/2 score(x, sigma) + sqrt(a) z, with
    a = step_size (sigma / sigma_min)² and fresh standard normal z. ``path`` holds the start and the points
    after each level. With ``finish``, a last denoising step at the smallest sigma removes the noise left.
    """
    x = np.asarray(start, dtype=np.float32).copy()
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"start must be 2-D points (N, 2), got shape {x.shape}")
    sigmas = np.asarray(sigmas, dtype=np.float64)
    if sigmas.ndim != 1 or len(sigmas) == 0 or np.any(sigmas <= 0) or np.any(np.diff(sigmas) >= 0):
        raise ValueError(f"sigmas must be positive and fall strictly, got {sigmas}")
    steps, step_size = check_positive_int(steps, "steps"), check_non_negative(step_size, "step_size")
    draw, path = rng(seed), [x.copy()]
    for sigma in sigmas:
        a = step_size * (sigma / sigmas[-1]) ** 2
        for _ in range(steps):
            x = x + 0.5 * a * score(model, x, sigma) + np.sqrt(a) * draw.standard_normal(x.shape).astype(np.float32)
        path.append(x.copy())
    if finish:
        x = denoise(model, x, float(sigmas[-1]))
        path[-1] = x.copy()
    return x, np.stack(path)


def share_near_curve(points, within: float = 0.1) -> float:
    """The share in [0, 1] of points (N, 2) within ``within`` of the toy's curve."""
    return float(np.mean(toy.distance_to_curve(points) <= check_non_negative(within, "within")))


def trained_denoiser(settings, curve, log=print):
    """(model, info): :func:`noise_conditional_denoiser` trained on noisy copies of ``curve`` (n, 2), from the model
    cache or trained now (seconds); quick mode trains fewer epochs."""
    import hashlib

    from . import cache
    from . import settings as settings_module

    config = {
        "copies": 40,
        "epochs": settings.choose(full=6, quick=3),
        "batch_size": settings.choose(full=256, quick=128),
        "seed": settings.seed,
    }

    def make():
        settings_module.seed_everything(config["seed"])
        model = noise_conditional_denoiser()
        inputs, targets = training_pairs(curve, copies=config["copies"])
        model.fit(list(inputs), targets, epochs=config["epochs"], batch_size=config["batch_size"], verbose=0)
        return model, {"pairs": len(targets), "loss": float(model.evaluate(list(inputs), targets, batch_size=4096, verbose=0))}

    result = cache.cached_model(
        "ch07-toy-score",
        config | {"curve": hashlib.sha256(np.asarray(curve, dtype=np.float32).tobytes()).hexdigest()},
        (noise_conditional_denoiser, training_pairs, trained_denoiser),
        make,
    )
    if log is not None:
        done = "loaded" if result.loaded else "trained"
        log(f"{done} the noise-conditional toy denoiser: {result.info['pairs']:,} noisy points, loss {result.info['loss']:.3f}")
    return result.model, result.info


def plot_score_fields(model, curve, sigmas, grid: int = 15, limit: float = 2.4, shrink: float = 3.0):
    """A Figure, one panel per sigma: the curve (n, 2), noisy points at that sigma and, on a ``grid`` x ``grid``
    lattice, the denoiser's arrow D(x, sigma) - x = sigma² score(x, sigma), drawn ``shrink`` times shorter than it is."""
    import matplotlib.pyplot as plt

    curve = np.asarray(curve, dtype=np.float32)
    axis = np.linspace(-limit, limit, check_positive_int(grid, "grid"))
    inputs = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2).astype(np.float32)
    fig, axes = plt.subplots(1, len(sigmas), figsize=(3.3 * len(sigmas), 3.8), squeeze=False)
    for ax, sigma in zip(axes[0], sigmas):
        noisy, _ = toy.noisy_pairs(curve[::4], sigma=float(sigma), seed=3)
        arrows = denoise(model, inputs, float(sigma)) - inputs
        ax.scatter(*noisy.T, s=2, color="0.7", label="noisy points")
        ax.plot(*curve.T, color="tab:blue", lw=2, label="the curve")
        ax.quiver(
            *inputs.T,
            *arrows.T,
            angles="xy",
            scale_units="xy",
            scale=shrink,
            width=0.006,
            color="tab:red",
            label=f"σ² × score, drawn {shrink:g}× shorter",
        )
        ax.set(xlim=(-limit - 0.2, limit + 0.2), ylim=(-limit - 0.2, limit + 0.2), aspect="equal", xlabel="first coordinate")
        ax.set_title(f"σ = {sigma:g}", fontsize=10)
    axes[0][0].set_ylabel("second coordinate")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
