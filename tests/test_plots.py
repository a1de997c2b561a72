"""dae.plots: every figure function returns a Figure and rejects malformed input (Agg backend); the audio players embed their sound."""

from __future__ import annotations

import base64
import io

import matplotlib
import numpy as np
import pytest
from conftest import speechlike as _speechlike
from matplotlib.figure import Figure

from dae import plots, sound, sound_plots

SR = 8000


def test_backend_is_headless():
    assert matplotlib.get_backend().lower() == "agg"


# --- image_grid --------------------------------------------------------------------------------


def test_image_grid_draws_each_image_in_order_on_a_0_to_1_grey_scale(images):
    fig = plots.image_grid(images, labels=list(range(8)), ncols=4, title="digits")
    assert isinstance(fig, Figure) and len(fig.axes) == 8
    for ax, image in zip(fig.axes, images):
        (drawn,) = ax.images
        np.testing.assert_array_equal(drawn.get_array(), image)
        assert drawn.get_clim() == (0, 1) and drawn.get_cmap().name == "gray"


def test_image_grid_titles_images_by_label(images):
    fig = plots.image_grid(images[:3], labels=[7, 2, 1], ncols=3)
    assert [ax.get_title() for ax in fig.axes] == ["7", "2", "1"]


def test_image_grid_pads_last_row(images):
    fig = plots.image_grid(images[:5], ncols=3)
    assert len(fig.axes) == 6


def test_image_grid_accepts_channel_axis_and_uint8():
    digits = np.arange(4 * 28 * 28).reshape(4, 28, 28, 1).astype(np.uint8)
    fig = plots.image_grid(digits, ncols=2)
    for ax, digit in zip(fig.axes, digits):
        np.testing.assert_array_equal(ax.images[0].get_array(), digit[..., 0])
        assert ax.images[0].get_clim() == (0, 255)  # uint8 digits keep their 0..255 scale


def test_image_grid_rejects_mismatched_labels(images):
    with pytest.raises(ValueError, match="labels"):
        plots.image_grid(images, labels=[1, 2, 3])


def test_image_grid_rejects_single_image_without_batch_axis(images):
    with pytest.raises(ValueError, match="grey images"):
        plots.image_grid(images[0])


# --- image_rows --------------------------------------------------------------------------------


def test_image_rows_returns_figure_with_one_row_per_entry(images):
    fig = plots.image_rows({"clean": images[:4], "noisy": images[4:]}, title="rows")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 8
    for ax, image in zip(fig.axes, images):  # row by row: the clean four, then the noisy four
        np.testing.assert_array_equal(ax.images[0].get_array(), image)
    assert fig.axes[0].get_ylabel() == "clean"
    assert fig.axes[4].get_ylabel() == "noisy"


def test_image_rows_with_clean_titles_psnr(images):
    clean = images[:3]
    noisy = np.clip(clean + 0.1, 0, 1)
    fig = plots.image_rows({"clean": clean, "noisy": noisy[..., None]}, clean=clean)
    labels = [ax.get_xlabel() for ax in fig.axes]
    assert labels[:3] == ["", "", ""]  # infinite PSNR of clean against itself is not shown
    expected = 10 * np.log10(1.0 / np.mean((noisy.astype(np.float64) - clean) ** 2, axis=(1, 2)))
    assert labels[3:] == [f"{value:.1f} dB" for value in expected]


def test_image_rows_rejects_empty_rows():
    with pytest.raises(ValueError, match="empty"):
        plots.image_rows({})


def test_image_rows_rejects_rows_of_different_lengths(images):
    with pytest.raises(ValueError, match="same number"):
        plots.image_rows({"a": images[:3], "b": images[:4]})


# --- loss_curves -------------------------------------------------------------------------------


def test_loss_curves_returns_figure_with_training_and_test_lines():
    fig = plots.loss_curves({"dense": {"loss": [0.3, 0.2, 0.1], "val_loss": [0.35, 0.25, 0.2]}, "conv": {"loss": [0.2, 0.1, 0.05]}})
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["dense: training", "dense: test", "conv: training"]
    for line, values in zip(lines, ([0.3, 0.2, 0.1], [0.35, 0.25, 0.2], [0.2, 0.1, 0.05])):
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])  # epochs count from 1
        np.testing.assert_array_equal(line.get_ydata(), values)
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()  # a model's two curves share a colour


def test_loss_curves_rejects_history_without_loss():
    with pytest.raises(ValueError, match="loss"):
        plots.loss_curves({"broken": {"val_loss": [0.1]}})


def test_headline_draws_the_noisy_input_the_best_classical_and_each_model_with_its_interval():
    from types import SimpleNamespace

    rows = [
        {"setting": "gauss0.2", "method": "noisy input", "kind": "noisy", "psnr_db": 14.0},
        {"setting": "gauss0.2", "method": "median filter", "kind": "classical", "psnr_db": 18.0},
        {"setting": "gauss0.2", "method": "wavelet", "kind": "classical", "psnr_db": 19.5},
        {"setting": "gauss0.2", "method": "dense", "kind": "model", "psnr_db": 22.0, "psnr_db_ci95": 0.4},
        {"setting": "sp0.2", "method": "dense", "kind": "model", "psnr_db": 30.0},
    ]
    ax = plots.headline(SimpleNamespace(rows=rows), "gauss0.2", labels={"dense": "dense autoencoder"}).axes[0]
    bars = ax.patches
    assert [bar.get_width() for bar in bars] == [14.0, 19.5, 22.0]  # median filter lost to wavelet; sp0.2 left out
    assert [bar.get_y() + bar.get_height() / 2 for bar in bars] == [2, 1, 0]  # top to bottom in that order
    named = {tick: label.get_text() for tick, label in zip(ax.get_yticks(), ax.get_yticklabels())}
    assert named == {2: "noisy input", 1: "wavelet", 0: "dense autoencoder"}
    assert [t.get_text() for t in ax.texts] == [" 14.0", " 19.5", " 22.0"]
    assert ax.texts[2].get_position()[0] == pytest.approx(22.4)  # the number sits past the interval's end
    with pytest.raises(ValueError, match="nothing recorded with 'ssim' in 'gauss0.2'"):
        plots.headline(SimpleNamespace(rows=rows), "gauss0.2", metric="ssim")


# --- autoencoder_diagram -----------------------------------------------------------------------


def test_autoencoder_diagram_returns_figure():
    assert isinstance(plots.autoencoder_diagram(), Figure)


def test_autoencoder_diagram_labels_every_size():
    fig = plots.autoencoder_diagram((784, 64, 784), title="shallow")
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"784", "64", "code z"} <= texts


@pytest.mark.parametrize("sizes", [(), (784,), (784, 32)])
def test_autoencoder_diagram_rejects_too_few_sizes(sizes):
    with pytest.raises(ValueError, match="at least"):
        plots.autoencoder_diagram(sizes)


# --- code_scatter ------------------------------------------------------------------------------


def test_code_scatter_draws_every_code_at_its_place_coloured_by_its_label():
    rng = np.random.RandomState(0)
    codes, labels = rng.normal(size=(50, 2)), rng.randint(0, 10, 50)
    points = plots.code_scatter(codes, labels).axes[0].collections[0]
    drawn = np.asarray(points.get_offsets())
    order = np.lexsort(codes.T)
    np.testing.assert_array_equal(drawn[np.lexsort(drawn.T)], codes[order])  # the same points, shuffled
    by_place = {tuple(code): label for code, label in zip(codes, labels)}
    np.testing.assert_array_equal(points.get_array(), [by_place[tuple(p)] for p in drawn])


def test_code_scatter_plots_at_most_max_points():
    rng = np.random.RandomState(0)
    codes = rng.normal(size=(50, 2))
    fig = plots.code_scatter(codes, rng.randint(0, 10, 50), max_points=20)
    drawn = np.asarray(fig.axes[0].collections[0].get_offsets())
    assert len(drawn) == 20 and len({tuple(p) for p in drawn}) == 20
    assert {tuple(p) for p in drawn} <= {tuple(c) for c in codes}  # a sample of the codes, none invented


@pytest.mark.parametrize("shape", [(10, 3), (10,), (10, 2, 1)])
def test_code_scatter_rejects_wrong_code_shape(shape):
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plots.code_scatter(np.zeros(shape), np.zeros(10, dtype=int))


def test_code_scatter_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="labels"):
        plots.code_scatter(np.zeros((10, 2)), np.zeros(9, dtype=int))


# --- metric_sweep ------------------------------------------------------------------------------


def test_metric_sweep_returns_figure_with_one_line_per_series():
    fig = plots.metric_sweep([2, 4, 8], {"dense": [10, 12, 14], "conv": [11, 13, 15]}, "code size", "PSNR", "sweep")
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["dense", "conv"]
    for line, values in zip(lines, ([10, 12, 14], [11, 13, 15])):
        np.testing.assert_array_equal(line.get_xdata(), [2, 4, 8])
        np.testing.assert_array_equal(line.get_ydata(), values)
    assert fig.axes[0].get_xscale() == "log"
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2", "4", "8"]


def test_metric_sweep_linear_axis():
    fig = plots.metric_sweep([0.1, 0.2], {"psnr": [20, 18]}, "sigma", "PSNR", "noise", logx=False)
    assert fig.axes[0].get_xscale() == "linear"


def test_metric_sweep_rejects_series_of_wrong_length():
    with pytest.raises(ValueError, match="values"):
        plots.metric_sweep([2, 4, 8], {"dense": [10, 12]}, "code size", "PSNR", "sweep")


# --- sound: players and spectrograms -----------------------------------------------------------


@pytest.fixture()
def clean() -> np.ndarray:
    return _speechlike()


def _embedded_wav(html: str) -> tuple[np.ndarray, int]:
    import soundfile as sf

    payload = html.split("data:audio/wav;base64,", 1)[1].split('"', 1)[0]
    return sf.read(io.BytesIO(base64.b64decode(payload)), dtype="float32")


def test_player_embeds_the_sound_as_a_data_uri(clean):
    html = sound_plots.player(clean, SR)._repr_html_()
    assert "<audio" in html and "data:audio/wav;base64," in html and "http" not in html
    decoded, rate = _embedded_wav(html)
    assert rate == SR and decoded.shape == clean.shape
    assert np.abs(decoded).max() == pytest.approx(1.0, abs=1e-3)  # normalised to full scale


def test_player_without_normalisation_keeps_the_level_and_refuses_clipping(clean):
    decoded, _ = _embedded_wav(sound_plots.player(clean, SR, normalize=False)._repr_html_())
    np.testing.assert_allclose(decoded, clean, atol=1e-4)
    with pytest.raises(ValueError, match="peak"):
        sound_plots.player(clean * 10, SR, normalize=False)


def test_player_of_silence_is_silent_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        decoded, _ = _embedded_wav(sound_plots.player(np.zeros(800, np.float32), SR)._repr_html_())
    assert not np.any(decoded)


def test_players_read_their_clips_length_as_the_page_loads(clean):
    # Without it Chromium shows "0:00 / 0:00" on a short embedded clip until it is played.
    assert '<audio preload="metadata"' in sound_plots.player(clean, SR)._repr_html_()
    html = sound_plots.players({"a": clean, "b": clean * 0.5}, SR).data
    assert html.count("<audio") == html.count('<audio preload="metadata"') == 2


def test_players_share_one_scale_so_loudness_compares(clean):
    html = sound_plots.players({"loud": clean * 2, "quiet <i>": clean * 0.5}, SR).data
    assert "quiet &lt;i&gt;" in html  # labels are escaped
    first, second = html.split("<tr>")[1:]
    loud, _ = _embedded_wav(first)
    quiet, _ = _embedded_wav(second)
    assert np.abs(loud).max() == pytest.approx(1.0, abs=1e-3)
    assert np.abs(quiet).max() == pytest.approx(0.25, abs=1e-3)


@pytest.mark.parametrize("kind, ylabel", [("stft", "frequency (Hz)"), ("mel", "frequency (Hz)")])
def test_plot_spectrograms_draws_one_labelled_panel_per_signal_and_one_colour_bar(clean, kind, ylabel):
    signals = {
        "clean": clean,
        "noisy": sound.noisy_mixture(clean, "white", 0.0, SR, seed=0),
        "hum": sound.noisy_mixture(clean, "hum", 0.0, SR, seed=0),
    }
    fig = sound_plots.plot_spectrograms(signals, SR, kind=kind, ncols=2)
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert [ax.get_title() for ax in panels] == list(signals)
    assert all(ax.get_xlabel() == "time (s)" and ax.get_ylabel() == ylabel for ax in panels)
    colour_bars = [ax for ax in fig.axes if ax.get_ylabel() == "level (dB)"]
    assert len(colour_bars) == 1
    limits = {tuple(ax.collections[0].get_clim()) for ax in panels}
    assert len(limits) == 1  # one colour scale for every panel
    fig.canvas.draw()


def test_plot_spectrograms_rejects_bad_arguments(clean):
    with pytest.raises(ValueError, match="kind"):
        sound_plots.plot_spectrograms({"a": clean}, SR, kind="cqt")
    with pytest.raises(ValueError, match="non-empty"):
        sound_plots.plot_spectrograms({}, SR)


def test_mel_panels_share_one_scale_and_label_each_panel():
    rng = np.random.default_rng(0)
    loud, quiet = rng.random((64, 40)) * 100, rng.random((64, 40))
    fig = sound_plots.mel_panels({"loud": loud, "quiet": quiet}, "two panels", 8000)
    images = [ax.collections[0] for ax in fig.axes[:2]]  # the two panels, not the colour bar
    assert [ax.get_title() for ax in fig.axes[:2]] == ["loud", "quiet"]
    assert len({image.get_clim() for image in images}) == 1  # one colour scale for all panels
    matplotlib.pyplot.close(fig)


def test_settings_grid_draws_each_methods_measure_against_snr(tmp_path, monkeypatch):
    from dae import results

    monkeypatch.setenv("DAE_RESULTS_DIR", str(tmp_path))

    class Quick:
        quick, device, seed = True, "CPU", 0

    record = results.Recorder("grid", Quick())
    for kind in ("white", "hum"):
        for snr in (-5, 0, 5):
            record.add(setting=f"{kind}_{snr}dB", method="noisy input", kind="noisy", si_sdr_db=float(snr))
            record.add(setting=f"{kind}_{snr}dB", method="model", kind="model", si_sdr_db=snr + (3.0 if kind == "white" else 1.0))
    fig = sound_plots.settings_grid(
        record, ["white", "hum"], (-5, 0, 5), {"noisy input": ("k", "o"), "model": ("C0", "D")}, {"si_sdr_db": "SI-SDR (dB)"}, "title"
    )
    axes = fig.axes
    assert len(axes) == 2 and [ax.get_title() for ax in axes] == ["white", "hum"]
    lines = {line.get_label(): line.get_ydata().tolist() for line in axes[1].get_lines()}
    assert lines == {"noisy input": [-5.0, 0.0, 5.0], "model": [-4.0, 1.0, 6.0]}
    assert fig.get_figwidth() <= plots.MAX_WIDTH
    matplotlib.pyplot.close(fig)
