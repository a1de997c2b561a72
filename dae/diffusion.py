"""A denoiser that generates digits: one U-Net trained across all noise levels, then run from pure noise.

The noise schedule (:func:`alpha_bar`) says how much of the digit is left at time ``t`` in [0, 1]: a noisy
digit is ``x_t = a x_0 + s eps`` with ``a = sqrt(alpha_bar(t))`` and ``s = sqrt(1 - alpha_bar(t))``, from the
clean digit at ``t = 0`` to pure noise at ``t = 1``. :func:`noise_conditional_unet` is Chapter 3's U-Net with
the noise level as a second input; it predicts ``v = a eps - s x_0``, from which both the clean digit and the
noise follow (:func:`split_prediction`). :func:`train` fits it with an average of its weights kept for
sampling; :func:`ddim_sample` walks from pure noise to a digit in a few deterministic steps (DDIM).

Images are (N, 28, 28, 1); the network works on pixels scaled from [0, 1] to [-1, 1].
"""

from __future__ import annotations

import math
import time

import numpy as np

from ._checks import check_images, check_non_negative, check_positive_int, check_sizes, rng

LEVEL_FEATURES = 32  # sinusoidal features of the noise level the network gets
_COSINE_OFFSET = 0.008  # the cosine schedule's small offset (Nichol and Dhariwal 2021), so t = 0 has a little noise
_MIN_ALPHA_BAR = 1e-5  # t = 1 keeps this much of the digit's variance: pure noise to the eye


def alpha_bar(t) -> np.ndarray:
    """The cosine schedule: t in [0, 1] (any shape) -> the share of the digit's variance left, from ~1 to ~0."""
    t = np.asarray(t, dtype=np.float64)
    if np.any((t < 0) | (t > 1)) or not np.all(np.isfinite(t)):
        raise ValueError(f"t must lie in [0, 1], got values from {t.min()!r} to {t.max()!r}")
    f = np.cos((t + _COSINE_OFFSET) / (1 + _COSINE_OFFSET) * math.pi / 2) ** 2
    f0 = math.cos(_COSINE_OFFSET / (1 + _COSINE_OFFSET) * math.pi / 2) ** 2
    return np.clip(f / f0, _MIN_ALPHA_BAR, 1.0)


def noise_std(t) -> np.ndarray:
    """The noise's standard deviation at time t in [0, 1], relative to the digit scaled to [-1, 1]: sqrt(1 - alpha_bar)."""
    return np.sqrt(1.0 - alpha_bar(t))


def level_features(t) -> np.ndarray:
    """Times t (N,) in [0, 1] -> (N, LEVEL_FEATURES) sines and cosines of 1000 t at geometric frequencies (Ho et al.'s embedding)."""
    t = np.asarray(t, dtype=np.float64).reshape(-1)
    half = LEVEL_FEATURES // 2
    frequencies = np.exp(-math.log(1000.0) * np.arange(half) / half)
    angles = 1000.0 * t[:, None] * frequencies[None]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1).astype(np.float32)


def noise_conditional_unet(
    filters=(32, 64), image_shape=(28, 28, 1), embedding: int = 128, fold: int = 2, norm: bool = True, name: str = "noise_conditional_unet"
):
    """A U-Net (noisy images (N, H, W, 1), level features (N, LEVEL_FEATURES)) -> v (N, H, W, 1).

    Chapter 3's U-Net: two 3x3 convolutions per level, halving on the way down, skips on the way up; here
    each convolution also adds a per-channel offset computed from the noise level, and (with ``norm``) group
    normalisation, then the swish activation; the output is linear. ``fold`` > 1 first folds each ``fold`` x
    ``fold`` block of pixels into channels, as Chapter 3's fast U-Net does, and unfolds the output at the end.
    """
    import keras
    from keras import layers

    filters = check_sizes(filters, "filters", "each filter count", at_least_one="level")
    embedding = check_positive_int(embedding, "embedding")
    fold = check_positive_int(fold, "fold")
    height, width = int(image_shape[0]), int(image_shape[1])
    factor = fold * 2 ** (len(filters) - 1)
    if height % factor or width % factor:
        raise ValueError(f"image height and width must be divisible by {factor} for fold {fold} and {len(filters)} levels, got {image_shape}")
    image = keras.Input(shape=(height, width, 1), name="noisy")
    level = keras.Input(shape=(LEVEL_FEATURES,), name="noise_level")
    e = layers.Dense(embedding, activation="swish", name="level_a")(level)
    e = layers.Dense(embedding, activation="swish", name="level_b")(e)

    def conv(x, f, name):
        x = layers.Conv2D(f, 3, padding="same", name=name)(x)
        offset = layers.Reshape((1, 1, f), name=f"{name}_level")(layers.Dense(f, name=f"{name}_offset")(e))
        x = layers.Add(name=f"{name}_plus_level")([x, offset])
        if norm:
            x = layers.GroupNormalization(groups=8, name=f"{name}_norm")(x)
        return layers.Activation("swish", name=f"{name}_swish")(x)

    def block(x, f, name):
        return conv(conv(x, f, f"{name}_a"), f, f"{name}_b")

    x, skips = image, []
    if fold > 1:  # (H, W, 1) -> (H/f, W/f, f*f), as in dae.models.unet_denoiser
        x = layers.Reshape((height // fold, fold, width // fold, fold), name="fold_split")(x)
        x = layers.Permute((1, 3, 2, 4), name="fold_move")(x)
        x = layers.Reshape((height // fold, width // fold, fold * fold), name="fold")(x)
    for i, f in enumerate(filters[:-1]):
        x = block(x, f, f"down{i}")
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = block(x, filters[-1], "bottom")
    for i, (f, skip) in reversed(list(enumerate(zip(filters, skips)))):
        x = layers.UpSampling2D(2, name=f"up{i}")(x)
        x = layers.Concatenate(name=f"skip{i}")([x, skip])
        x = block(x, f, f"merge{i}")
    v = layers.Conv2D(fold * fold, 1, name="v")(x)
    if fold > 1:
        v = layers.Reshape((height // fold, width // fold, fold, fold), name="unfold_split")(v)
        v = layers.Permute((1, 3, 2, 4), name="unfold_move")(v)
        v = layers.Reshape((height, width, 1), name="unfold")(v)
    return keras.Model([image, level], v, name=name)


def noisy_batch(clean, t, noise):
    """(x_t, v): clean (N, H, W, 1) in [-1, 1], times t (N,), noise (N, H, W, 1) -> the noisy images and the target v."""
    a = np.sqrt(alpha_bar(t)).astype(np.float32).reshape(-1, 1, 1, 1)
    s = np.sqrt(1.0 - alpha_bar(t)).astype(np.float32).reshape(-1, 1, 1, 1)
    return a * clean + s * noise, a * noise - s * clean


def split_prediction(x_t, v, t):
    """(x0, eps): the clean images and the noise that the prediction v (N, H, W, 1) at times t (N,) implies for x_t."""
    a = np.sqrt(alpha_bar(t)).astype(np.float32).reshape(-1, 1, 1, 1)
    s = np.sqrt(1.0 - alpha_bar(t)).astype(np.float32).reshape(-1, 1, 1, 1)
    return a * x_t - s * v, s * x_t + a * v


def train(
    model,
    images,
    *,
    steps: int,
    batch_size: int = 64,
    learning_rate: float = 2e-3,
    ema_decay: float = 0.995,
    seed: int = 0,
    lines: int = 5,
    average=None,
):
    """Train ``model`` on clean images (N, 28, 28, 1) in [0, 1] for ``steps`` batches; returns (average model, info).

    Each batch draws a time t for every digit, noises the digit to x_t and minimises the squared error of the
    predicted v, Adam with a learning rate that falls along a cosine to 2 % of ``learning_rate``. After every
    step an exponential moving average of the weights (decay ``ema_decay``) moves towards them: the returned
    average model is what samples (``average``, a model of the same shape, or a copy of ``model``).
    ``lines`` one-line progress reports are printed. ``info``: loss per report, seconds.
    """
    import keras
    import tensorflow as tf

    images = check_images(images, "images")
    steps, batch_size, lines = (check_positive_int(v, n) for v, n in ((steps, "steps"), (batch_size, "batch_size"), (lines, "lines")))
    if not 0.0 <= check_non_negative(ema_decay, "ema_decay") < 1.0:
        raise ValueError(f"ema_decay must lie in [0, 1), got {ema_decay!r}")
    data = (images.reshape(len(images), *images.shape[1:3], 1) * 2.0 - 1.0).astype(np.float32)
    schedule = keras.optimizers.schedules.CosineDecay(float(learning_rate), decay_steps=steps, alpha=0.02)
    optimizer = keras.optimizers.Adam(schedule)
    average = keras.models.clone_model(model) if average is None else average
    average.set_weights(model.get_weights())
    decay = tf.Variable(0.0, trainable=False, dtype=tf.float32)

    @tf.function(reduce_retracing=True)
    def step(x_t, level, target):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model([x_t, level], training=True) - target))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        for mean, value in zip(average.weights, model.weights):
            mean.assign(decay * mean + (1.0 - decay) * value)
        return loss

    draw = rng(seed)
    order, start = draw.permutation(len(data)), 0
    report_every = max(1, steps // lines)
    losses, recent, began = [], [], time.perf_counter()
    for n in range(1, steps + 1):
        if start + batch_size > len(data):
            order, start = draw.permutation(len(data)), 0
        clean = data[order[start : start + batch_size]]
        start += batch_size
        t = draw.uniform(0.0, 1.0, size=len(clean))
        x_t, target = noisy_batch(clean, t, draw.standard_normal(clean.shape).astype(np.float32))
        decay.assign(min(ema_decay, (1.0 + n) / (10.0 + n)))  # a short average at first, while the weights move fast
        recent.append(float(step(x_t, level_features(t), target)))
        if n % report_every == 0 or n == steps:
            losses.append(float(np.mean(recent)))
            recent = []
            seconds = time.perf_counter() - began
            print(f"step {n:>{len(str(steps))}}/{steps}: loss {losses[-1]:.4f}, {seconds:.0f} s", flush=True)
    info = {"losses": losses, "seconds": time.perf_counter() - began, "steps": steps, "batch_size": batch_size}
    return average, info


def _predict_v(model, x_t, t, batch_size: int = 500):
    level = level_features(np.full(len(x_t), t))
    return np.concatenate(
        [model([x_t[i : i + batch_size], level[i : i + batch_size]], training=False).numpy() for i in range(0, len(x_t), batch_size)]
    )


def ddim_sample(model, noise, steps: int = 25, eta: float = 0.0, seed: int = 0, keep_path: bool = False):
    """Generate images (N, H, W, 1) in [0, 1] from pure noise (N, H, W, 1) in ``steps`` DDIM steps (Song et al. 2021).

    Each step asks the network for its guess of the clean digit at the current level and moves to the next,
    lower level along it. ``eta`` = 0 is deterministic; ``eta`` = 1 adds fresh noise at each step, as
    Ho et al.'s sampler does. With ``keep_path``, also returns a dict: 'noise_std' (steps + 1,), 'x' and
    'x0', each (steps + 1, N, H, W, 1) in [0, 1]: the sample and the network's guess of the digit at each level.
    """
    steps = check_positive_int(steps, "steps")
    eta = check_non_negative(eta, "eta")
    x = np.asarray(noise, dtype=np.float32)
    if x.ndim != 4 or x.shape[-1] != 1 or not np.all(np.isfinite(x)):
        raise ValueError(f"noise must be a finite batch (N, H, W, 1), got shape {x.shape}")
    draw = rng(seed)
    times = np.linspace(1.0, 0.0, steps + 1)
    path = {"x": [x], "x0": [np.zeros_like(x)]}
    for t, t_next in zip(times[:-1], times[1:]):
        x0 = np.clip(split_prediction(x, _predict_v(model, x, t), np.full(len(x), t))[0], -1.0, 1.0)
        a_next, ab, ab_next = math.sqrt(alpha_bar(t_next)), float(alpha_bar(t)), float(alpha_bar(t_next))
        # DDIM's spread of fresh noise; 0 when eta is 0.
        sigma = eta * math.sqrt(max((1 - ab_next) / (1 - ab) * (1 - ab / ab_next), 0.0))
        eps = (x - math.sqrt(ab) * x0) / math.sqrt(1 - ab)  # the noise consistent with the clipped guess
        x = a_next * x0 + math.sqrt(max(1 - ab_next - sigma**2, 0.0)) * eps
        if sigma > 0:
            x = x + sigma * draw.standard_normal(x.shape).astype(np.float32)
        path["x"].append(x)
        path["x0"].append(x0)
    path["x0"][0] = path["x0"][1]
    images = np.clip((x + 1.0) / 2.0, 0.0, 1.0).astype(np.float32)
    if not keep_path:
        return images
    shown = {k: np.clip((np.stack(v) + 1.0) / 2.0, 0.0, 1.0).astype(np.float32) for k, v in path.items()}
    return images, {"noise_std": noise_std(times), **shown}


def pure_noise(count: int, seed: int = 0, shape=(28, 28, 1)) -> np.ndarray:
    """``count`` images of standard normal noise (count, *shape): where sampling starts."""
    return rng(seed).standard_normal((check_positive_int(count, "count"), *shape)).astype(np.float32)


def recipe(settings) -> dict:
    """The generator's network and training for these ``settings`` (quick mode: a short run on fewer digits)."""
    return {
        "filters": [32, 64],
        "fold": 2,
        "steps": settings.choose(full=3000, quick=150),
        "batch_size": settings.choose(full=64, quick=32),
        "learning_rate": 2e-3,
        "ema_decay": settings.choose(full=0.997, quick=0.98),
        "train_digits": settings.choose(full=60000, quick=10000),
        "seed": settings.seed,
    }


def trained_generator(settings, images, log=print):
    """(average, raw, info): the noise-conditional U-Net of :func:`recipe` trained on ``images`` (N, 28, 28[, 1]) in [0, 1],
    its weights' moving average and its last weights, from the model cache or trained now (minutes)."""
    import keras

    from . import cache
    from . import settings as settings_module

    config = recipe(settings)

    def make():
        settings_module.seed_everything(config["seed"])
        shape = {"filters": config["filters"], "fold": config["fold"]}
        raw, average = noise_conditional_unet(**shape, name="unet_raw"), noise_conditional_unet(**shape, name="unet_average")
        digits = np.asarray(images[: config["train_digits"]], dtype=np.float32)
        keys = ("steps", "batch_size", "learning_rate", "ema_decay", "seed")
        average, info = train(raw, digits, average=average, **{k: config[k] for k in keys})
        inputs = [keras.Input(shape=(28, 28, 1), name="noisy"), keras.Input(shape=(LEVEL_FEATURES,), name="noise_level")]
        return keras.Model(inputs, [average(inputs), raw(inputs)], name="generator_pair"), info

    result = cache.cached_model(
        "ch07-generator", config, (recipe, trained_generator, noise_conditional_unet, train, noisy_batch, level_features), make
    )
    if result.loaded and log is not None:
        log(f"loaded the generator trained earlier in this build ({config['steps']} steps, {result.info['seconds'] / 60:.1f} min)")
    pair = result.model
    return pair.get_layer("unet_average"), pair.get_layer("unet_raw"), result.info


def sampling_slider_html(paths: dict, size: int = 112, caption: str | None = None) -> str:
    """A static slider over the sampling steps: ``paths`` maps a sampler's name to a :func:`ddim_sample` path
    (the same levels for each); the first sampler's final digits are the reference. Returns one HTML block."""
    import html
    import json

    from . import metrics
    from .sliders._html import block, block_uid, range_control, styles
    from .sliders.images import png_data_uri, psnr_text

    names = list(paths)
    if not names:
        raise ValueError("paths is empty: give at least one sampler's path from ddim_sample(..., keep_path=True)")
    first = paths[names[0]]
    levels = [round(float(v), 4) for v in first["noise_std"]]
    count = first["x"].shape[1]
    final = first["x"][-1][..., 0]
    frames = [[[] for _ in names] for _ in range(count)]
    for n, name in enumerate(names):
        path = paths[name]
        if path["x"].shape != first["x"].shape:
            raise ValueError(f"every path must have the shape of {names[0]!r}'s, {first['x'].shape}; {name!r} has {path['x'].shape}")
        for d in range(count):
            panels = [path[k][:, d, :, :, 0] for k in ("x", "x0")]
            scores = [metrics.psnr(np.repeat(final[d][None], len(levels), 0), p) for p in panels]
            frames[d][n] = [[[png_data_uri(p[i]), psnr_text(s[i])] for p, s in zip(panels, scores)] for i in range(len(levels))]
    payload = {
        "noises": names,
        "levels": levels,
        "names": ["sample", "its guess of the digit"],
        "clean": [png_data_uri(f) for f in final],
        "frames": frames,
        # image.js fills these in as the reader moves the controls (the defaults describe noisy test digits).
        "alt": {"clean": "the digit sample {digit} ends at", "panel": "{name} of sample {digit} at noise level {level}: {score}"},
    }
    text = json.dumps(payload, separators=(",", ":"))
    uid, esc = block_uid(text), html.escape
    value = f"{levels[0]:.2f}"
    reference_alt = esc(payload["alt"]["clean"].format(digit=1))
    panels = [
        f'<figure><img id="{uid}-img-clean" src="{payload["clean"][0]}" alt="{reference_alt}" width="{size}" height="{size}">'
        f'<figcaption><b>where it ends</b><br><span class="dae-slider-psnr">reference</span></figcaption></figure>'
    ]
    for i, panel in enumerate(payload["names"]):
        src, label = frames[0][0][0][i]
        alt = payload["alt"]["panel"].format(name=panel, digit=1, level=value, score=label)
        panels.append(
            f'<figure><img id="{uid}-img-{i}" src="{src}" alt="{esc(alt)}" width="{size}" height="{size}">'
            f'<figcaption><b>{esc(panel)}</b><br><span class="dae-slider-psnr" id="{uid}-psnr-{i}" aria-live="polite">{esc(label)}</span>'
            f"</figcaption></figure>"
        )
    samplers = "".join(f'<option value="{i}">{esc(n)}</option>' for i, n in enumerate(names))
    samples = "".join(f'<option value="{d}">sample {d + 1}</option>' for d in range(count))
    controls = (
        f'<label>sampler <select id="{uid}-noise">{samplers}</select></label>'
        f'<label>sample <select id="{uid}-digit">{samples}</select></label>' + range_control(uid, "level", "noise left", len(levels), 0, value)
    )
    caption = caption or "Each position is one sampling step; PSNR against the digit the first sampler ends at."
    css = styles(uid, "block.css", "image.css", figure_width=size + 36, size=size)
    return block(uid, "sampling slider", css, controls, panels, caption, text, "image.js", kind="image")
