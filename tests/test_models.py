"""dae.models: shapes, shared layers, parameter counts and argument checks of both builders."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from dae.models import conv_autoencoder, dense_autoencoder


@pytest.fixture(scope="module")
def dense_default():
    return dense_autoencoder()


@pytest.fixture(scope="module")
def conv_default():
    return conv_autoencoder()


@pytest.fixture(scope="module")
def dense_small():
    return dense_autoencoder(code_size=12, image_shape=(8, 6), hidden_sizes=(20,))


@pytest.fixture(scope="module")
def conv_small():
    return conv_autoencoder(image_shape=(8, 12, 1), filters=(4, 6), latent_dim=5)


def _numpy(tensor) -> np.ndarray:
    return keras.ops.convert_to_numpy(tensor)


# --- what the builders return ------------------------------------------------------------------


@pytest.mark.parametrize("builder", ["dense_default", "conv_default"])
def test_builder_returns_three_keras_models(request, builder):
    models = request.getfixturevalue(builder)
    assert len(models) == 3
    assert all(isinstance(m, keras.Model) for m in models)


def test_dense_encoder_output_is_code_size(dense_default):
    encoder, decoder, autoencoder = dense_default
    assert tuple(encoder.output.shape) == (None, 1000)
    assert tuple(decoder.input.shape) == (None, 1000)


def test_dense_autoencoder_output_shape_equals_input_shape(dense_default):
    _, _, autoencoder = dense_default
    assert tuple(autoencoder.input.shape) == (None, 28, 28)
    assert tuple(autoencoder.output.shape) == (None, 28, 28)


def test_dense_custom_shapes(dense_small):
    encoder, decoder, autoencoder = dense_small
    assert tuple(encoder.output.shape) == (None, 12)
    assert tuple(decoder.output.shape) == (None, 8, 6)
    assert tuple(autoencoder.output.shape) == (None, 8, 6)


def test_conv_encoder_output_is_latent_dim(conv_default):
    encoder, decoder, _ = conv_default
    assert tuple(encoder.output.shape) == (None, 16)
    assert tuple(decoder.input.shape) == (None, 16)


def test_conv_autoencoder_output_shape_equals_input_shape(conv_default):
    _, _, autoencoder = conv_default
    assert tuple(autoencoder.input.shape) == (None, 28, 28, 1)
    assert tuple(autoencoder.output.shape) == (None, 28, 28, 1)


def test_conv_custom_non_square_shapes(conv_small):
    encoder, _, autoencoder = conv_small
    assert tuple(encoder.output.shape) == (None, 5)
    assert tuple(autoencoder.output.shape) == (None, 8, 12, 1)


# --- shared layers -----------------------------------------------------------------------------


@pytest.mark.parametrize("builder, shape", [("dense_small", (3, 8, 6)), ("conv_small", (3, 8, 12, 1))])
def test_autoencoder_equals_decoder_of_encoder(request, builder, shape):
    encoder, decoder, autoencoder = request.getfixturevalue(builder)
    x = np.random.RandomState(0).rand(*shape).astype(np.float32)
    direct = _numpy(autoencoder(x, training=False))
    chained = _numpy(decoder(encoder(x, training=False), training=False))
    np.testing.assert_allclose(direct, chained, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("builder", ["dense_small", "conv_small"])
def test_autoencoder_is_the_decoder_after_the_encoder_and_follows_their_weights(request, builder):
    encoder, decoder, autoencoder = request.getfixturevalue(builder)
    shape = (3, *autoencoder.input_shape[1:])
    x = np.random.RandomState(5).rand(*shape).astype(np.float32)
    before = _numpy(autoencoder(x, training=False))
    np.testing.assert_allclose(before, _numpy(decoder(encoder(x, training=False), training=False)), rtol=1e-5, atol=1e-6)
    original = encoder.get_weights()
    try:  # moving the encoder's weights moves the autoencoder's output with them: one set of weights, not a copy
        encoder.set_weights([w + 0.05 for w in original])
        after = _numpy(autoencoder(x, training=False))
        assert np.max(np.abs(after - before)) > 1e-3
        np.testing.assert_allclose(after, _numpy(decoder(encoder(x, training=False), training=False)), rtol=1e-5, atol=1e-6)
    finally:
        encoder.set_weights(original)
    assert len(autoencoder.weights) == len(encoder.weights) + len(decoder.weights)


def test_dense_autoencoder_computes_its_layers_by_hand(dense_small):
    """The output equals NumPy's sigmoid(W4 relu(W3 relu(W2 relu(W1 x + b1) + b2) + b3) + b4) with the model's own weights."""
    _, _, autoencoder = dense_small
    x = np.random.RandomState(4).rand(3, 8, 6).astype(np.float32)
    w1, b1, w2, b2, w3, b3, w4, b4 = autoencoder.get_weights()  # 48 -> 20 -> 12 (code, relu) -> 20 -> 48
    relu = lambda v: np.maximum(v, 0.0)  # noqa: E731
    hidden = relu(relu(relu(x.reshape(3, 48) @ w1 + b1) @ w2 + b2) @ w3 + b3)
    expected = (1.0 / (1.0 + np.exp(-(hidden @ w4 + b4)))).reshape(3, 8, 6)
    np.testing.assert_allclose(_numpy(autoencoder(x, training=False)), expected, rtol=1e-5, atol=1e-6)


def test_sigmoid_output_lies_in_unit_range(conv_small):
    _, _, autoencoder = conv_small
    x = np.random.RandomState(1).rand(2, 8, 12, 1).astype(np.float32)
    out = _numpy(autoencoder(x, training=False))
    assert out.min() >= 0.0 and out.max() <= 1.0


# --- parameter counts --------------------------------------------------------------------------


def _conv2d(in_channels, filters, kernel=3):
    return kernel * kernel * in_channels * filters + filters


def _dense(inputs, units):
    return inputs * units + units


def test_conv_default_parameter_count_matches_hand_count(conv_default):
    encoder, decoder, autoencoder = conv_default
    flat = 7 * 7 * 64
    encoder_params = _conv2d(1, 32) + _conv2d(32, 64) + _dense(flat, 16)
    decoder_params = _dense(16, flat) + _conv2d(64, 64) + _conv2d(64, 32) + _conv2d(32, 1)
    assert encoder.count_params() == encoder_params
    assert decoder.count_params() == decoder_params
    assert autoencoder.count_params() == encoder_params + decoder_params == 178_001


def test_dense_default_parameter_count(dense_default):
    encoder, decoder, autoencoder = dense_default
    assert encoder.count_params() == 784 * 1000 + 1000
    assert decoder.count_params() == 1000 * 784 + 784
    assert autoencoder.count_params() == 784 * 1000 + 1000 + 1000 * 784 + 784


def test_dense_hidden_sizes_are_mirrored(dense_small):
    encoder, decoder, _ = dense_small
    assert encoder.count_params() == _dense(48, 20) + _dense(20, 12)
    assert decoder.count_params() == _dense(12, 20) + _dense(20, 48)


# --- numpy integers, as a sweep such as ``2 ** np.arange(1, 8)`` gives them ---------------------


def test_dense_accepts_numpy_integer_code_size():
    encoder, _, _ = dense_autoencoder(code_size=np.int64(8), image_shape=(4, 4))
    assert tuple(encoder.output.shape) == (None, 8)


def test_conv_accepts_numpy_integer_latent_dim():
    encoder, _, _ = conv_autoencoder(image_shape=(8, 8, 1), filters=(2,), latent_dim=np.int64(3))
    assert tuple(encoder.output.shape) == (None, 3)


# --- argument checks ---------------------------------------------------------------------------


@pytest.mark.parametrize("code_size", [0, -3, 8.0, True, "8", None])
def test_dense_rejects_bad_code_size(code_size):
    with pytest.raises(ValueError, match="code_size"):
        dense_autoencoder(code_size=code_size)


@pytest.mark.parametrize("image_shape", [(28,), (28, 28, 1), (0, 28), (28, -1), (28.0, 28)])
def test_dense_rejects_bad_image_shape(image_shape):
    with pytest.raises(ValueError, match="image_shape"):
        dense_autoencoder(code_size=4, image_shape=image_shape)


@pytest.mark.parametrize("hidden_sizes", [(0,), (16, -1), (8.5,)])
def test_dense_rejects_bad_hidden_sizes(hidden_sizes):
    with pytest.raises(ValueError, match="hidden size"):
        dense_autoencoder(code_size=4, hidden_sizes=hidden_sizes)


@pytest.mark.parametrize("image_shape", [(28, 28), (28, 28, 1, 1)])
def test_conv_rejects_image_shape_of_wrong_length(image_shape):
    with pytest.raises(ValueError, match="image_shape"):
        conv_autoencoder(image_shape=image_shape)


def test_conv_rejects_three_channels():
    with pytest.raises(ValueError, match="channel"):
        conv_autoencoder(image_shape=(28, 28, 3))


@pytest.mark.parametrize("image_shape", [(30, 28, 1), (28, 30, 1), (26, 26, 1)])
def test_conv_rejects_image_not_divisible_by_four(image_shape):
    with pytest.raises(ValueError, match="divisible by 4"):
        conv_autoencoder(image_shape=image_shape)


def test_conv_rejects_image_not_divisible_by_eight_with_three_layers():
    with pytest.raises(ValueError, match="divisible by 8"):
        conv_autoencoder(image_shape=(28, 28, 1), filters=(8, 8, 8))


def test_conv_rejects_empty_filters():
    with pytest.raises(ValueError, match="filters"):
        conv_autoencoder(filters=())


@pytest.mark.parametrize("filters", [(32, 0), (-1,), (16.0,)])
def test_conv_rejects_bad_filter_counts(filters):
    with pytest.raises(ValueError, match="filter count"):
        conv_autoencoder(filters=filters)


@pytest.mark.parametrize("latent_dim", [0, -1, 2.5, False])
def test_conv_rejects_bad_latent_dim(latent_dim):
    with pytest.raises(ValueError, match="latent_dim"):
        conv_autoencoder(latent_dim=latent_dim)


@pytest.mark.parametrize("kernel_size", [0, 3.0])
def test_conv_rejects_bad_kernel_size(kernel_size):
    with pytest.raises(ValueError, match="kernel_size"):
        conv_autoencoder(kernel_size=kernel_size)


def test_unet_maps_images_to_images_of_the_same_shape():
    from dae.models import unet_denoiser

    model = unet_denoiser(filters=(8, 16))
    assert model.output_shape == (None, 28, 28, 1)
    out = model(np.random.RandomState(0).rand(2, 28, 28, 1).astype("float32")).numpy()
    assert out.shape == (2, 28, 28, 1) and out.min() >= 0 and out.max() <= 1  # sigmoid output


def test_unet_has_a_skip_connection_per_level_and_no_dense_layer():
    from dae.models import unet_denoiser

    model = unet_denoiser(filters=(8, 16))
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("Concatenate") == 2
    assert "Dense" not in kinds


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"filters": ()}, "at least one"),
        ({"image_shape": (30, 30, 1)}, "divisible by 4"),
        ({"filters": (8, 0)}, "positive"),
        ({"image_shape": (28, 28, 3)}, "one"),
        ({"filters": (8, 16), "fold": 2}, "divisible by 8"),
        ({"fold": 0}, "fold"),
        ({"fold": True}, "fold"),
        ({"batch_norm": 1}, "batch_norm"),
    ],
)
def test_unet_rejects_bad_arguments(kwargs, message):
    from dae.models import unet_denoiser

    with pytest.raises(ValueError, match=message):
        unet_denoiser(**kwargs)


def test_unet_fold_is_space_to_depth_and_unfold_its_exact_inverse():
    import keras
    import tensorflow as tf

    from dae.models import unet_denoiser

    model = unet_denoiser(filters=(8,), fold=2)
    images = np.random.RandomState(0).rand(3, 28, 28, 1).astype("float32")
    folded = keras.Model(model.input, model.get_layer("fold").output)(images).numpy()
    np.testing.assert_array_equal(folded, tf.nn.space_to_depth(images, 2).numpy())
    # The unfolding layers applied to the folded pixels give the image back.
    unfold = keras.Sequential([model.get_layer(name) for name in ("unfold_split", "unfold_move", "unfold")])
    np.testing.assert_array_equal(unfold(folded).numpy(), images)
    out = model(images).numpy()
    assert out.shape == images.shape and out.min() >= 0 and out.max() <= 1


# --- the spectrogram denoiser ------------------------------------------------------------------


@pytest.fixture(scope="module")
def spectro_small():
    from dae.models import spectrogram_denoiser

    return spectrogram_denoiser(freq_bins=9, filters=6, dilations=(1, 2), kernel_size=3)


@pytest.mark.parametrize("frames", [1, 7, 32, 50])
def test_spectrogram_denoiser_maps_any_number_of_frames_to_a_mask_of_that_shape(spectro_small, frames):
    encoder, _, model = spectro_small
    x = np.random.RandomState(frames).rand(2, 9, frames).astype("float32")
    out = _numpy(model(x))
    assert out.shape == (2, 9, frames) and out.min() >= 0 and out.max() <= 1  # sigmoid mask
    assert _numpy(encoder(x)).shape == (2, frames, 6)  # a code of `filters` numbers per frame


def test_spectrogram_denoiser_is_decoder_of_encoder(spectro_small):
    encoder, decoder, model = spectro_small
    x = np.random.RandomState(1).rand(3, 9, 12).astype("float32")
    np.testing.assert_allclose(_numpy(model(x)), _numpy(decoder(encoder(x))), atol=1e-6)


def test_spectrogram_denoiser_sees_exactly_its_receptive_field(spectro_small):
    """Kernel 3 with dilations 1 and 2: each output frame depends on the 1 + 2 * (1 + 2) = 7 frames around it."""
    _, _, model = spectro_small
    x = np.random.RandomState(2).rand(1, 9, 40).astype("float32")
    changed = x.copy()
    changed[0, :, 20] += 1.0
    moved = np.abs(_numpy(model(changed)) - _numpy(model(x))).max(axis=1)[0]
    assert np.all(moved[:17] == 0) and np.all(moved[24:] == 0)
    assert np.count_nonzero(moved[17:24]) >= 5  # inside: changed (relu may zero a rare frame)


def test_spectrogram_denoiser_default_parameter_count():
    from dae.models import spectrogram_denoiser

    _, _, model = spectrogram_denoiser()
    # encoder: 129 -> 256 and three 256 -> 256 convolutions of width 3; decoder: 256 -> 129 per frame
    expected = (3 * 129 * 256 + 256) + 3 * (3 * 256 * 256 + 256) + (256 * 129 + 129)
    assert model.count_params() == expected


def test_spectrogram_denoiser_standardises_with_the_given_statistics():
    from dae.models import spectrogram_denoiser

    mean, variance = np.linspace(0.2, 0.6, 9), np.linspace(0.01, 0.04, 9)
    encoder, _, _ = spectrogram_denoiser(freq_bins=9, filters=4, dilations=(1,), mean=mean, variance=variance)
    x = np.random.RandomState(3).rand(2, 9, 5).astype("float32")
    standardise = encoder.get_layer("standardise")
    frames = np.transpose(x, (0, 2, 1))
    np.testing.assert_allclose(_numpy(standardise(frames)), (frames - mean) / np.sqrt(variance), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dilations": ()}, "at least one"),
        ({"dilations": (1, 0)}, "dilation"),
        ({"filters": 0}, "filters"),
        ({"freq_bins": -3}, "freq_bins"),
        ({"mean": np.zeros(129)}, "both"),
        ({"mean": np.zeros(5), "variance": np.ones(5)}, "shape"),
        ({"mean": np.zeros(129), "variance": -np.ones(129)}, "non-negative"),
    ],
)
def test_spectrogram_denoiser_rejects_bad_arguments(kwargs, message):
    from dae.models import spectrogram_denoiser

    with pytest.raises(ValueError, match=message):
        spectrogram_denoiser(**kwargs)


def test_unet_batch_norm_normalises_every_convolution_of_every_block():
    from dae.models import unet_denoiser

    plain = unet_denoiser(filters=(8, 16))
    normed = unet_denoiser(filters=(8, 16), batch_norm=True)
    convs = [layer for layer in plain.layers if type(layer).__name__ == "Conv2D" and layer.name != "clean"]
    norms = [layer for layer in normed.layers if type(layer).__name__ == "BatchNormalization"]
    assert len(norms) == len(convs) == 10  # two per block: 2 down, bottom, 2 merge
    assert all(not normed.get_layer(n.name.removesuffix("_norm")).use_bias for n in norms)
    out = normed(np.random.RandomState(0).rand(2, 28, 28, 1).astype("float32"), training=False).numpy()
    assert out.shape == (2, 28, 28, 1) and out.min() >= 0 and out.max() <= 1
