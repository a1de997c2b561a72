"""dae.diagrams: the U-Net diagram draws one box per level and side, with the shapes of dae.models.unet_denoiser."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from dae import diagrams


def _parts(fig, gid):
    return [p for p in fig.axes[0].patches if p.get_gid() == gid]


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_unet_diagram_draws_the_chapters_unet():
    fig = diagrams.unet_diagram(filters=(16, 32), image_shape=(28, 28, 1))
    assert isinstance(fig, Figure)
    # noisy input, two levels on each side, the bottom, the clean output
    assert len(_parts(fig, diagrams.BOX)) == 7
    assert len(_parts(fig, diagrams.DOWN)) == len(_parts(fig, diagrams.UP)) == len(_parts(fig, diagrams.SKIP)) == 2
    texts = _texts(fig)
    for shape in ("28×28×16", "14×14×32", "7×7×64"):
        assert shape in texts, texts
    assert texts.count("28×28×16") == texts.count("14×14×32") == 2  # the way down and the way up
    assert any("28×28×1" in t and "noisy" in t for t in texts) and any("28×28×1" in t and "clean" in t for t in texts)
    plt.close(fig)


def test_unet_diagram_fits_a_page_and_reads():
    fig = diagrams.unet_diagram()
    assert fig.get_size_inches()[0] <= 7.0
    assert min(t.get_fontsize() for t in fig.axes[0].texts) >= 8
    plt.close(fig)


def test_unet_diagram_grows_with_the_levels():
    fig = diagrams.unet_diagram(filters=(8, 16, 32), image_shape=(32, 32, 1))
    assert len(_parts(fig, diagrams.BOX)) == 9
    assert "4×4×64" in _texts(fig)
    plt.close(fig)


@pytest.mark.parametrize(
    ("filters", "image_shape", "message"),
    [((), (28, 28, 1), "filters"), ((16, 0), (28, 28, 1), "filters"), ((16, 32, 64), (28, 28, 1), "divisible"), ((16,), (28, 28), "image_shape")],
)
def test_unet_diagram_rejects_shapes_the_unet_cannot_take(filters, image_shape, message):
    with pytest.raises(ValueError, match=message):
        diagrams.unet_diagram(filters=filters, image_shape=image_shape)
