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
