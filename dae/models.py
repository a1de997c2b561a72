"""Autoencoder builders. Each returns ``(encoder, decoder, autoencoder)`` as Keras models.

``autoencoder(x) == decoder(encoder(x))``: the three share their layers, so training the
autoencoder trains the other two.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers

from ._checks import check_divisible, check_flag, check_image_shape, check_images, check_positive_int, check_sizes


def dense_autoencoder(
    code_size: int = 1000,
    image_shape: Sequence[int] = (28, 28),
    hidden_sizes: Sequence[int] = (),
    code_activation: str | None = "relu",
    output_activation: str | None = "sigmoid",
):
    """Dense autoencoder: images (N, H, W) -> code (N, code_size) -> images (N, H, W).

    With the defaults this is the shallow model of the usual Keras denoising tutorial:
    ``Flatten -> Dense(1000, relu)`` as encoder and ``Dense(H*W) -> Reshape`` as decoder.
    ``hidden_sizes`` adds mirrored relu layers.
    """
    code_size, (height, width), hidden_sizes = _check_dense(code_size, image_shape, hidden_sizes)

    image = keras.Input(shape=(height, width), name="image")
    x = layers.Flatten(name="flatten")(image)
    for i, size in enumerate(hidden_sizes):
        x = layers.Dense(size, activation="relu", name=f"encode_{i}")(x)
    code = layers.Dense(code_size, activation=code_activation, name="code")(x)
    encoder = keras.Model(image, code, name="encoder")

    code_in = keras.Input(shape=(code_size,), name="code_in")
    y = code_in
    for i, size in enumerate(reversed(hidden_sizes)):
        y = layers.Dense(size, activation="relu", name=f"decode_{i}")(y)
    y = layers.Dense(height * width, activation=output_activation, name="pixels")(y)
    decoded = layers.Reshape((height, width), name="reshape")(y)
    decoder = keras.Model(code_in, decoded, name="decoder")

    autoencoder = keras.Model(image, decoder(encoder(image)), name="dense_autoencoder")
    return encoder, decoder, autoencoder


def conv_autoencoder(
    image_shape: Sequence[int] = (28, 28, 1),
    filters: Sequence[int] = (32, 64),
    latent_dim: int = 16,
    kernel_size: int = 3,
):
    """The Keras examples' convolutional autoencoder: images (N, H, W, 1) -> code (N, latent_dim) -> images.

    Encoder: Conv2D(f, kernel, stride 2, relu) for f in ``filters``, Flatten, Dense(latent_dim).
    Decoder: Dense, Reshape, mirrored Conv2DTranspose(f, stride 2, relu), Conv2DTranspose(1), sigmoid.
    Height and width must be divisible by 2**len(filters).
    """
    (height, width), filters, latent_dim, kernel_size = _check_conv(image_shape, filters, latent_dim, kernel_size)
    factor = 2 ** len(filters)

    image = keras.Input(shape=(height, width, 1), name="encoder_input")
    x = image
    for f in filters:
        x = layers.Conv2D(f, kernel_size, strides=2, activation="relu", padding="same")(x)
    feature_shape = (height // factor, width // factor, filters[-1])
    x = layers.Flatten()(x)
    latent = layers.Dense(latent_dim, name="latent_vector")(x)
    encoder = keras.Model(image, latent, name="encoder")

    latent_in = keras.Input(shape=(latent_dim,), name="decoder_input")
    y = layers.Dense(feature_shape[0] * feature_shape[1] * feature_shape[2])(latent_in)
    y = layers.Reshape(feature_shape)(y)
    for f in reversed(filters):
        y = layers.Conv2DTranspose(f, kernel_size, strides=2, activation="relu", padding="same")(y)
    y = layers.Conv2DTranspose(1, kernel_size, padding="same")(y)
    decoded = layers.Activation("sigmoid", name="decoder_output")(y)
    decoder = keras.Model(latent_in, decoded, name="decoder")

    autoencoder = keras.Model(image, decoder(encoder(image)), name="conv_autoencoder")
    return encoder, decoder, autoencoder


def unet_denoiser(
    image_shape: Sequence[int] = (28, 28, 1),
    filters: Sequence[int] = (32, 64),
    output_activation: str = "sigmoid",
    fold: int = 1,
    batch_norm: bool = False,
):
    """A small U-Net denoiser with no dense bottleneck: images (N, H, W, 1) -> images (N, H, W, 1).

    Each level has two 3x3 relu convolutions, then halves the image; the way up doubles it back
    and concatenates the features of the same size from the way down (skip connections), so fine
    strokes never have to squeeze through a small code. Returns one Keras model.

    ``fold`` > 1 first folds each ``fold`` x ``fold`` block of pixels into channels (a lossless
    reshape, "space to depth"), runs the U-Net on the smaller, deeper image, and unfolds its
    output at the end. Convolutions then cost far less, while every pixel still reaches the output
    through the skips. Height and width must be divisible by fold * 2**len(filters).

    ``batch_norm`` puts batch normalisation between each convolution and its relu, which lets a
    larger learning rate train the network in fewer epochs.
    """
    (height, width), filters, fold = _check_unet(image_shape, filters, fold, batch_norm)

    def conv(x, f, name):
        if not batch_norm:
            return layers.Conv2D(f, 3, padding="same", activation="relu", name=name)(x)
        x = layers.Conv2D(f, 3, padding="same", use_bias=False, name=name)(x)  # the normalisation has its own offset
        # momentum 0.9: the statistics used at inference settle within tens of steps, so even a
        # short run (quick mode's single epoch) denoises with the statistics it trained on.
        x = layers.BatchNormalization(momentum=0.9, name=f"{name}_norm")(x)
        return layers.ReLU(name=f"{name}_relu")(x)

    def block(x, f, name):
        return conv(conv(x, f, f"{name}_a"), f, f"{name}_b")

    image = keras.Input(shape=(height, width, 1), name="noisy")
    x, skips = image, []
    if fold > 1:
        # (H, W, 1) -> (H/f, f, W/f, f) -> (H/f, W/f, f, f) -> (H/f, W/f, f*f)
        x = layers.Reshape((height // fold, fold, width // fold, fold), name="fold_split")(x)
        x = layers.Permute((1, 3, 2, 4), name="fold_move")(x)
        x = layers.Reshape((height // fold, width // fold, fold * fold), name="fold")(x)
    for i, f in enumerate(filters):
        x = block(x, f, f"down{i}")
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = block(x, 2 * filters[-1], "bottom")
    for i, (f, skip) in reversed(list(enumerate(zip(filters, skips)))):
        x = layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu", name=f"up{i}")(x)
        x = layers.Concatenate(name=f"skip{i}")([x, skip])
        x = block(x, f, f"merge{i}")
    if fold > 1:
        x = layers.Conv2D(fold * fold, 1, name="folded_clean")(x)
        x = layers.Reshape((height // fold, width // fold, fold, fold), name="unfold_split")(x)
        x = layers.Permute((1, 3, 2, 4), name="unfold_move")(x)
        x = layers.Reshape((height, width, 1), name="unfold")(x)
        clean = layers.Activation(output_activation, name="clean")(x)
    else:
        clean = layers.Conv2D(1, 1, activation=output_activation, name="clean")(x)
    return keras.Model(image, clean, name="unet_denoiser")


def spectrogram_denoiser(
    freq_bins: int = 129,
    filters: int = 256,
    dilations: Sequence[int] = (1, 2, 4, 8),
    kernel_size: int = 3,
    mean=None,
    variance=None,
):
    """A convolutional encoder-decoder that maps noisy spectrograms (N, freq_bins, frames) to masks of that shape in [0, 1].

    Each time frame's ``freq_bins`` values are one input vector; convolutions run along time only, so any
    number of frames works (patches for training, whole recordings later). Encoder: a fixed per-bin
    standardisation (``mean`` and ``variance`` of the training features, each (freq_bins,); none if omitted),
    then one relu ``Conv1D(filters, kernel_size)`` per entry of ``dilations``: the code is ``filters`` numbers
    per frame, each seeing ``1 + (kernel_size - 1) * sum(dilations)`` frames around it. Decoder: a sigmoid
    ``Conv1D(freq_bins, 1)`` that reads one mask value per bin from each frame's code.
    """
    freq_bins, filters, kernel_size, dilations = _check_spectrogram(freq_bins, filters, kernel_size, dilations, mean, variance)

    spectrogram = keras.Input(shape=(freq_bins, None), name="noisy_spectrogram")
    x = layers.Permute((2, 1), name="frames")(spectrogram)  # (frames, freq_bins): one vector per frame
    if mean is not None:
        mean, variance = (np.asarray(v, dtype=np.float32) for v in (mean, variance))
        x = layers.Normalization(axis=-1, mean=mean, variance=variance, name="standardise")(x)
    for i, d in enumerate(dilations):
        x = layers.Conv1D(filters, kernel_size, dilation_rate=d, padding="same", activation="relu", name=f"encode_{i}")(x)
    encoder = keras.Model(spectrogram, x, name="encoder")

    code_in = keras.Input(shape=(None, filters), name="code_in")
    y = layers.Conv1D(freq_bins, 1, activation="sigmoid", name="mask_per_bin")(code_in)
    mask = layers.Permute((2, 1), name="mask")(y)
    decoder = keras.Model(code_in, mask, name="decoder")

    autoencoder = keras.Model(spectrogram, decoder(encoder(spectrogram)), name="spectrogram_denoiser")
    return encoder, decoder, autoencoder


# --- argument checks ---------------------------------------------------------------------------


def _check_dense(code_size, image_shape, hidden_sizes) -> tuple[int, tuple[int, int], tuple[int, ...]]:
    code_size = check_positive_int(code_size, "code_size")
    shape = check_image_shape(image_shape, channels=False)
    return code_size, shape, check_sizes(hidden_sizes, "hidden_sizes", "each hidden size")


def _check_conv(image_shape, filters, latent_dim, kernel_size) -> tuple[tuple[int, int], tuple[int, ...], int, int]:
    height, width, _ = check_image_shape(image_shape, channels=True)
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    kernel_size = check_positive_int(kernel_size, "kernel_size")
    filters = check_sizes(filters, "filters", "each filter count", at_least_one="convolution")
    check_divisible(height, width, 2 ** len(filters), f"{len(filters)} stride-2 layers")
    return (height, width), filters, latent_dim, kernel_size


def _check_unet(image_shape, filters, fold, batch_norm) -> tuple[tuple[int, int], tuple[int, ...], int]:
    height, width, _ = check_image_shape(image_shape, channels=True)
    filters = check_sizes(filters, "filters", "each filter count", at_least_one="level")
    fold = check_positive_int(fold, "fold")
    check_divisible(height, width, fold * 2 ** len(filters), f"fold {fold} and {len(filters)} levels")
    check_flag(batch_norm, "batch_norm")
    return (height, width), filters, fold


def _check_spectrogram(freq_bins, filters, kernel_size, dilations, mean, variance) -> tuple[int, int, int, tuple[int, ...]]:
    freq_bins = check_positive_int(freq_bins, "freq_bins")
    filters = check_positive_int(filters, "filters")
    kernel_size = check_positive_int(kernel_size, "kernel_size")
    dilations = check_sizes(dilations, "dilations", "each dilation", at_least_one="convolution")
    if (mean is None) != (variance is None):
        raise ValueError("give both mean and variance (the training features' per-bin statistics), or neither")
    if mean is not None:
        mean, variance = (np.asarray(v, dtype=np.float32) for v in (mean, variance))
        if mean.shape != (freq_bins,) or variance.shape != (freq_bins,):
            raise ValueError(f"mean and variance must each have shape ({freq_bins},), got {mean.shape} and {variance.shape}")
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(variance)) and np.all(variance >= 0)):
            raise ValueError("mean must be finite and variance finite and non-negative")
    return freq_bins, filters, kernel_size, dilations


def trained_deep_2d_autoencoder(settings, images, log=print):
    """Chapter 1's deep dense autoencoder with a 2-D code (256 and 64 units in each half, a linear code), trained on
    the training digits ``images`` (N, 28, 28) in [0, 1] to reconstruct them: 10 epochs on all of them at full settings,
    5 on the first 15,000 in quick mode, batches of 256.

    Kept in the model cache (:mod:`dae.cache`), so that Chapter 7, which draws digits with its decoder, uses the very
    model Chapter 1 trained. Returns the :class:`dae.cache.CachedModel`; its ``info`` holds ``epochs`` and ``seconds``.
    """
    from . import cache, train
    from . import settings as settings_module

    images = check_images(images)
    if images.ndim != 3:
        raise ValueError(f"images must be (N, height, width) without a channel axis, got shape {images.shape}")
    config = {
        "code_size": 2,
        "hidden_sizes": [256, 64],
        "epochs": settings.choose(full=10, quick=5),
        "batch_size": 256,
        "digits": settings.choose(full=len(images), quick=min(15000, len(images))),
        "seed": settings.seed,
    }

    def make():
        settings_module.seed_everything(config["seed"])
        _, _, model = dense_autoencoder(code_size=2, hidden_sizes=tuple(config["hidden_sizes"]), code_activation=None)
        model.compile(optimizer="adam", loss="mse")
        digits = images[: config["digits"]]
        run = train.fit(model, digits, digits, epochs=config["epochs"], batch_size=config["batch_size"], verbose=0)
        return model, {"epochs": config["epochs"], "seconds": run.seconds}

    result = cache.cached_model("deep-2d-autoencoder", config, (dense_autoencoder, trained_deep_2d_autoencoder, train.fit), make)
    if result.loaded and log is not None:
        log(f"loaded the deep 2-D autoencoder trained earlier in this build ({config['epochs']} epochs)")
    return result
