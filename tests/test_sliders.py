"""The noise slider's frames: what one position shows, and its errors."""

import numpy as np
import pytest

from dae import sliders


def _identity(batch):
    return batch


def test_frame_holds_noisy_and_each_denoiser_with_psnr(images):
    shown = sliders.frame(images[0], {"identity": _identity, "zeros": np.zeros_like}, next(iter(sliders.NOISES)), 0.2)
    assert list(shown) == ["noisy", "identity", "zeros"]
    noisy_image, noisy_psnr = shown["noisy"]
    assert noisy_image.shape == (28, 28)
    assert shown["identity"][1] == pytest.approx(noisy_psnr)  # passing the noisy image through changes nothing
    assert np.isfinite(noisy_psnr) and noisy_psnr > shown["zeros"][1]


@pytest.mark.parametrize("noise_name", list(sliders.NOISES))
def test_more_noise_gives_lower_psnr(images, noise_name):
    low = sliders.frame(images[0], {}, noise_name, 0.1)["noisy"][1]
    high = sliders.frame(images[0], {}, noise_name, 0.5)["noisy"][1]
    assert high < low


def test_frame_is_reproducible_for_a_seed(images):
    a = sliders.frame(images[1], {}, next(iter(sliders.NOISES)), 0.3, seed=5)["noisy"][0]
    b = sliders.frame(images[1], {}, next(iter(sliders.NOISES)), 0.3, seed=5)["noisy"][0]
    np.testing.assert_array_equal(a, b)


def test_frame_clips_denoiser_output(images):
    shown = sliders.frame(images[0], {"too bright": lambda b: b + 5.0}, next(iter(sliders.NOISES)), 0.2)
    assert shown["too bright"][0].max() <= 1.0


@pytest.mark.parametrize(
    "kwargs, message",
    [({"noise_name": "pink"}, "noise_name"), ({"level": 1.5}, "level"), ({"level": -0.1}, "level")],
)
def test_frame_rejects_bad_controls(images, kwargs, message):
    args = {"clean": images[0], "denoisers": {}, "noise_name": next(iter(sliders.NOISES)), "level": 0.2, **kwargs}
    with pytest.raises(ValueError, match=message):
        sliders.frame(**args)


def test_frame_rejects_a_batch_instead_of_one_image(images):
    with pytest.raises(ValueError, match="one grey image"):
        sliders.frame(images, {}, next(iter(sliders.NOISES)), 0.2)


def test_draw_frame_has_one_panel_per_image(images):
    shown = sliders.frame(images[0], {"identity": _identity}, next(iter(sliders.NOISES)), 0.2)
    fig = sliders.draw_frame(images[0], shown)
    assert len(fig.axes) == 3
    assert fig.axes[1].get_xlabel().startswith("PSNR")


def test_live_builds_widgets_and_rejects_bad_batches(images):
    pytest.importorskip("ipywidgets")
    sliders.live(images[:3], {"identity": _identity})  # builds without a kernel; display goes to stdout
    with pytest.raises(ValueError, match="batch"):
        sliders.live(images[0], {"identity": _identity})


# --- the static slider: the same frames, pre-computed into one HTML block -----------------------------

LEVELS = (0.0, 0.1, 0.2, 0.3)


def test_static_frames_are_the_live_frames(images):
    denoisers = {"identity": _identity, "halved": lambda b: b / 2}
    data = sliders.static_frames(images[:2], denoisers, levels=LEVELS, seed=3)
    assert data["names"] == ["noisy", "identity", "halved"] and data["levels"] == list(LEVELS)
    for d, clean in enumerate(images[:2]):
        for n, noise_name in enumerate(sliders.NOISES):
            for l, level in enumerate(LEVELS):
                live = sliders.frame(clean, denoisers, noise_name, level, seed=3)
                for i, name in enumerate(data["names"]):
                    np.testing.assert_array_equal(data["frames"][d][n][l][i][0], live[name][0])
                    assert data["frames"][d][n][l][i][1] == live[name][1]


def test_static_html_is_self_contained_and_small(images):
    text = sliders.static_html(images[:4], {"identity": _identity, "zeros": np.zeros_like})
    assert "http://" not in text and "https://" not in text and "src=\"/" not in text
    assert '<input type="range"' in text and "<script>" in text
    # 4 digits x 3 noises x 13 levels x 3 images, plus 4 clean digits, plus the first position in the markup.
    assert text.count("data:image/png;base64,") == 4 * 3 * 13 * 3 + 4 + 1 + 3
    assert len(text) < 1_000_000  # random pixels are the worst case for PNG


def test_static_html_starts_at_the_nearest_level_and_labels_psnr(images):
    text = sliders.static_html(images[:1], {"identity": _identity}, levels=LEVELS, level=0.21)
    assert 'value="2"' in text and 'aria-valuetext="0.20"' in text
    shown = sliders.frame(images[0], {"identity": _identity}, next(iter(sliders.NOISES)), 0.2)
    assert sliders.psnr_text(shown["noisy"][1]) in text


def test_static_html_ids_are_unique_per_block(images):
    import re

    first = sliders.static_html(images[:1], {}, levels=LEVELS)
    second = sliders.static_html(images[:1], {}, levels=LEVELS)
    ids = lambda text: set(re.findall(r'\bid="([^"]+)"', text))
    assert ids(first) and not ids(first) & ids(second)


def test_static_html_escapes_names(images):
    text = sliders.static_html(images[:1], {"<b>bold</b> & co": _identity}, levels=LEVELS)
    assert "<b>bold</b> & co" not in text.split('<script type="application/json"')[0]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in text


def test_psnr_text_for_a_perfect_copy():
    assert sliders.psnr_text(float("inf")) == "PSNR inf"
    assert sliders.psnr_text(16.74) == "PSNR 16.7 dB"


def test_png_data_uri_round_trips(images):
    import base64
    import io

    from PIL import Image

    uri = sliders.png_data_uri(images[0])
    assert uri.startswith("data:image/png;base64,")
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))
    np.testing.assert_array_equal(pixels, np.round(images[0] * 255).astype(np.uint8))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"levels": []}, "levels is empty"),
        ({"levels": [0.2, 0.1]}, "increase"),
        ({"levels": [0.1, 1.5]}, "level"),
        ({"noise_names": ["pink"]}, "noise_names"),
        ({"noise_names": []}, "noise_names is empty"),
    ],
)
def test_static_rejects_bad_grids(images, kwargs, message):
    with pytest.raises(ValueError, match=message):
        sliders.static_html(images[:1], {}, **kwargs)


def test_static_rejects_one_image_instead_of_a_batch(images):
    with pytest.raises(ValueError, match="batch"):
        sliders.static_html(images[0], {})


def test_static_returns_notebook_html(images):
    pytest.importorskip("IPython")
    shown = sliders.static(images[:1], {"identity": _identity}, levels=LEVELS)
    assert shown._repr_html_().startswith('<div class="dae-slider"')
