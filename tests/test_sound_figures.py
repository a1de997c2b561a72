"""dae.sound_plots' figures for the mask chapters: masks side by side, the mask denoiser's pipeline, traits as a scatter."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from dae import sound_plots  # noqa: E402


def test_mask_panels_draw_each_mask_on_one_zero_one_scale():
    rng = np.random.default_rng(0)
    panels = {"target": rng.random((129, 40)), "predicted": rng.random((129, 40))}
    fig = sound_plots.mask_panels(panels, "two masks")
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 2 and all(im.get_clim() == (0, 1) for im in images)
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["target", "predicted"]
    assert images[0].get_extent()[1] == pytest.approx(40 * 64 / 8000)
    plt.close(fig)
    with pytest.raises(ValueError, match="shape"):
        sound_plots.mask_panels({"flat": np.zeros(10)})


def test_pipeline_diagram_has_a_box_per_step_and_the_phase_arrow():
    fig = sound_plots.pipeline_diagram()
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if p.get_gid() == "box"]
    arrows = [p for p in ax.patches if p.get_gid() == "flow"]
    texts = [t.get_text().replace("\n", " ") for t in ax.texts]
    assert len(boxes) == len(sound_plots.PIPELINE) and all(step in texts for step in sound_plots.PIPELINE)
    assert len(arrows) == len(sound_plots.PIPELINE)  # one between each pair of steps, one for the noisy phase
    assert any("phase kept" in t for t in texts)
    plt.close(fig)


def test_traits_scatter_puts_clips_without_pitch_on_their_own_strip():
    table = pd.DataFrame(
        {"label": ["cat", "dog", "dog", "speech"], "loud (% of time)": [50.0, 20.0, 30.0, 70.0], "median pitch (Hz)": [600.0, np.nan, 400.0, 110.0]}
    )
    fig = sound_plots.traits_scatter(table)
    main, strip = fig.axes
    assert sum(len(c.get_offsets()) for c in main.collections) == 3
    assert sum(len(c.get_offsets()) for c in strip.collections) == 1
    assert main.get_yscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match="no column"):
        sound_plots.traits_scatter(table.drop(columns="label"))
