"""The noise and sound sliders: what one position shows, its errors, the static blocks and their files."""

import numpy as np
import pytest

from dae import sliders


def _identity(batch):
    return batch


def _numberless(text: str) -> str:
    """A static block's HTML with the running number of its id left out (it differs from block to block)."""
    import re

    return re.sub(r"(dae-slider-[0-9a-f]{8})-\d+", r"\1", text)


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


def test_frame_noise_is_the_seeded_noise_and_its_psnr_is_measured_from_it(grey_images):
    # On mid-grey, Gaussian noise of sigma 0.1 clipped to [0, 1] leaves the noise itself: its spread is 0.1
    # and the PSNR is 10 log10(1 / mean squared error), about 20 dB; another seed draws other noise.
    clean = grey_images[0]
    image, score = sliders.frame(clean, {}, next(iter(sliders.NOISES)), 0.1, seed=5)["noisy"]
    assert 0.09 < float(np.std(image - clean)) < 0.11
    assert score == pytest.approx(10 * np.log10(1.0 / np.mean((image.astype(np.float64) - clean) ** 2)), abs=1e-3)
    assert 19.0 < score < 21.0
    other = sliders.frame(clean, {}, next(iter(sliders.NOISES)), 0.1, seed=6)["noisy"][0]
    assert np.mean(np.abs(other - image)) > 0.05


def test_frame_shows_a_denoisers_output_unchanged_and_refuses_one_out_of_range(grey_images):
    clean = grey_images[0]
    shown = sliders.frame(clean, {"flat": lambda b: np.full(b.shape, 0.25, np.float32)}, next(iter(sliders.NOISES)), 0.2)
    assert np.all(shown["flat"][0] == 0.25)
    assert shown["flat"][1] == pytest.approx(10 * np.log10(1 / 0.25**2), abs=1e-4)  # error 0.25 everywhere: 12.04 dB
    with pytest.raises(ValueError, match="output of denoiser 'too bright' must lie in \\[0, 1\\], got values from"):
        sliders.frame(clean, {"too bright": lambda b: b + 5.0}, next(iter(sliders.NOISES)), 0.2)


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
    long_names = {"U-Net (salt and pepper, 20 %)": shown["noisy"], "the Keras example's model": shown["noisy"]}
    fig = sliders.draw_frame(images[0], long_names)
    assert [ax.get_title() for ax in fig.axes] == ["clean", "U-Net\n(salt and pepper, 20 %)", "the Keras example's\nmodel"]
    assert fig.get_size_inches()[0] >= 3 * 0.08 * len("(salt and pepper, 20 %)")  # panels widened for the longest line


def test_live_builds_widgets_and_rejects_bad_batches(images, monkeypatch, capsys):
    pytest.importorskip("ipywidgets")
    import IPython.display

    from dae.sliders import images as image_sliders

    shown, drawn = [], []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    monkeypatch.setattr(image_sliders, "draw_frame", lambda clean, frame_: drawn.append((clean, frame_)))
    sliders.live(images[:3], {"identity": _identity}, level=0.3, seed=2)
    (box,) = shown
    noise_box, level_box, index_box = box.children[0].children
    assert list(noise_box.options) == list(sliders.NOISES) and (level_box.value, level_box.max) == (0.3, 0.6)
    assert (index_box.min, index_box.max) == (0, 2)  # one position per digit given
    (clean, frame_), *_ = drawn  # the first position is drawn at once: digit 0 at the chosen level and seed
    np.testing.assert_array_equal(clean, images[0])
    expected = sliders.frame(images[0], {"identity": _identity}, noise_box.value, 0.3, seed=2)
    np.testing.assert_array_equal(frame_["identity"][0], expected["identity"][0])
    # The scores are printed as text beside the figure: "noisy: PSNR 14.1 dB   identity: PSNR 14.1 dB".
    printed = capsys.readouterr().out
    assert f"noisy: {sliders.psnr_text(expected['noisy'][1])}   identity: {sliders.psnr_text(expected['identity'][1])}" in printed
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
            for k, level in enumerate(LEVELS):
                live = sliders.frame(clean, denoisers, noise_name, level, seed=3)
                for i, name in enumerate(data["names"]):
                    np.testing.assert_array_equal(data["frames"][d][n][k][i][0], live[name][0])
                    assert data["frames"][d][n][k][i][1] == live[name][1]


def test_static_html_is_self_contained_and_small(images):
    text = sliders.static_html(images[:4], {"identity": _identity, "zeros": np.zeros_like})
    assert "http://" not in text and "https://" not in text and 'src="/' not in text
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

    def ids(text):
        return set(re.findall(r'\bid="([^"]+)"', text))

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
    # the block static_html builds with the same options, all but the running number of the block's id
    assert _numberless(shown._repr_html_()) == _numberless(sliders.static_html(images[:1], {"identity": _identity}, levels=LEVELS))
    assert shown._repr_html_().count("<option") == len(LEVELS)


# --- the sound slider: one clip at a grid of SNRs, players, spectrograms and SI-SDR -----------------

SR = 8000
SNRS = (-5, 5, 15)


@pytest.fixture()
def clip():
    """1 s of speech-like sound and 1 s of white noise at 8 kHz."""
    from conftest import speechlike

    from dae import sound

    clean = speechlike(1.0, sr=SR)
    return clean, sound.make_noise("white", clean.size, SR, seed=1)


def _halved(y):
    return 0.5 * y


@pytest.mark.parametrize("snr_db", [-5.0, 0.0, 12.5])
def test_audio_frame_noisy_si_sdr_is_the_snr_for_white_noise(clip, snr_db):
    clean, noise = clip
    # Only the noise's chance correlation with the clip (about 0.1 dB at -5 dB over 1 s) tells SI-SDR from SNR:
    # with it removed they must agree.
    c, n = clean - clean.mean(), noise - noise.mean()
    noise = (n - (np.dot(n, c) / np.dot(c, c)) * c).astype(np.float32)
    shown = sliders.audio_frame(clean, noise, {}, snr_db, SR)
    assert shown["snr_db"] == snr_db and shown["noisy"].dtype == np.float32 and shown["noisy"].shape == clean.shape
    assert list(shown["si_sdr"]) == ["noisy input"]
    assert shown["si_sdr"]["noisy input"] == pytest.approx(snr_db, abs=0.1)


def test_audio_frame_identity_keeps_the_noisy_si_sdr_and_scaling_does_not_count(clip):
    clean, noise = clip
    shown = sliders.audio_frame(clean, noise, {"identity": lambda y: y, "halved": _halved}, 5.0, SR)
    assert list(shown["outputs"]) == ["identity", "halved"]
    np.testing.assert_array_equal(shown["outputs"]["identity"], shown["noisy"])
    assert shown["si_sdr"]["identity"] == pytest.approx(shown["si_sdr"]["noisy input"])
    assert shown["si_sdr"]["halved"] == pytest.approx(shown["si_sdr"]["noisy input"], abs=1e-4)  # SI-SDR ignores scale


def test_audio_frame_gives_each_denoiser_a_copy_of_the_noisy_input(clip):
    clean, noise = clip

    def in_place(y):
        y[::2] = 0.0  # every other sample: its own output is not silent, so it can still be measured
        return y

    shown = sliders.audio_frame(clean, noise, {"zeroes its input": in_place, "identity": lambda y: y}, 0.0, SR)
    assert np.any(shown["noisy"][::2]) and np.any(shown["outputs"]["identity"][::2])


@pytest.mark.parametrize(
    "change, error, message",
    [
        ({"noise": "short"}, ValueError, "same length, got 8000 and 7999"),
        ({"denoisers": {"broken": "not a function"}}, ValueError, "denoiser 'broken' must be callable"),
        ({"denoisers": {"short": lambda y: y[:-1]}}, ValueError, "denoiser 'short' returned shape \\(7999,\\) .* 8000 samples"),
        ({"denoisers": {"stereo": lambda y: np.stack([y, y])}}, ValueError, "denoiser 'stereo' returned shape \\(2, 8000\\)"),
        ({"denoisers": {"nan": lambda y: y * np.nan}}, ValueError, "output of denoiser 'nan' contains NaN"),
        ({"denoisers": {"noisy input": lambda y: y}}, ValueError, "'noisy input' is taken"),
        ({"denoisers": [lambda y: y]}, ValueError, "denoisers must be a mapping"),
        ({"snr_db": float("nan")}, ValueError, "snr_db must be a finite number"),
        ({"sr": 0}, ValueError, "sample rate .* got 0"),
        ({"sr": 8000.5}, ValueError, "sample rate .* got 8000.5"),
        ({"clean": "nan"}, ValueError, "clean contains NaN"),
    ],
)
def test_audio_frame_rejects_bad_inputs(clip, change, error, message):
    clean, noise = clip
    args = {"clean": clean, "noise": noise, "denoisers": {}, "snr_db": 0.0, "sr": SR, **change}
    if isinstance(args["noise"], str):
        args["noise"] = noise[:-1]
    if isinstance(args["clean"], str):
        args["clean"] = np.where(np.arange(clean.size) == 3, np.nan, clean).astype(np.float32)
    with pytest.raises(error, match=message):
        sliders.audio_frame(**args)


def test_static_audio_frames_are_the_live_frames(clip):
    clean, noise = clip
    denoisers = {"identity": lambda y: y, "halved": _halved}
    data = sliders.static_audio_frames(clean, noise, denoisers, SR, snrs=SNRS)
    assert data["snrs"] == list(SNRS) and data["names"] == ["noisy input", "identity", "halved"] and data["sr"] == SR
    for snr, shown in zip(SNRS, data["frames"]):
        live = sliders.audio_frame(clean, noise, denoisers, snr, SR)
        np.testing.assert_array_equal(shown["noisy"], live["noisy"])
        assert shown["si_sdr"] == live["si_sdr"]


@pytest.mark.parametrize(
    "snrs, message", [([], "snrs is empty"), ([5, 0], "increase strictly"), ([0, float("inf")], "finite"), (["loud"], "numbers of dB")]
)
def test_static_audio_rejects_bad_grids(clip, snrs, message):
    with pytest.raises(ValueError, match=message):
        sliders.static_audio_html(*clip, {}, SR, snrs=snrs)


def _wav(uri: str):
    """A 'data:audio/wav;base64,...' URI -> (rate, channels, bytes per sample, int16 samples)."""
    import base64
    import io
    import wave

    assert uri.startswith("data:audio/wav;base64,")
    with wave.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as wav:
        frames = wav.readframes(wav.getnframes())
        return wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), np.frombuffer(frames, dtype="<i2")


@pytest.fixture()
def audio_block(clip):
    denoisers = {"identity": lambda y: y, "halved": _halved}
    return sliders.static_audio_html(*clip, denoisers, SR, snrs=SNRS, snr_db=4.0)


def test_static_audio_html_embeds_one_clip_and_picture_per_signal_and_position(audio_block):
    import re

    signals = 1 + 2  # the noisy input and two outputs at each position, the clean target once
    clips = re.findall(r"data:audio/wav;base64,[A-Za-z0-9+/=]+", audio_block)
    pictures = re.findall(r"data:image/png;base64,[A-Za-z0-9+/=]+", audio_block)
    assert len(clips) == len(SNRS) * signals + 1 and len(pictures) == len(SNRS) * signals + 1
    assert len(set(clips)) == len(clips) - len(SNRS)  # the identity's output is the noisy input, at each position
    for uri in clips:
        rate, channels, width, samples = _wav(uri)
        assert (rate, channels, width, samples.size) == (SR, 1, 2, SR)
    assert max(int(np.abs(_wav(uri)[3]).max()) for uri in clips) == 32767  # the loudest clip at full scale


def test_static_audio_html_is_self_contained_and_describes_every_picture(audio_block):
    import re

    assert "http://" not in audio_block and "https://" not in audio_block and 'src="/' not in audio_block
    assert audio_block.startswith('<div class="dae-slider"') and 'data-kind="audio"' in audio_block
    images = re.findall(r"<img [^>]*>", audio_block)
    assert len(images) == 1 + 3  # the markup shows the clean target and the starting position
    assert all(re.search(r'alt="[^"]{10,}"', tag) for tag in images)
    assert 'alt="noisy input spectrogram at input SNR 5 dB: SI-SDR' in audio_block
    assert audio_block.count("<audio ") == 4 and audio_block.count('type="audio/wav"') == 4


def test_static_audio_html_slider_has_one_position_per_snr_and_starts_at_the_nearest(audio_block, clip):
    import re

    (slider,) = re.findall(r'<input type="range"[^>]*>', audio_block)
    assert 'min="0"' in slider and f'max="{len(SNRS) - 1}"' in slider
    assert 'value="1"' in slider and 'aria-valuetext="5 dB"' in slider
    shown = sliders.audio_frame(*clip, {"identity": lambda y: y}, 5.0, SR)
    assert 'dae-slider-psnr" id="' in audio_block and sliders.si_sdr_text(shown["si_sdr"]["identity"]) in audio_block
    assert re.search(r'<span class="dae-slider-psnr">target</span>', audio_block)


def test_static_audio_html_ids_are_unique_and_names_escaped(clip):
    import re

    first = sliders.static_audio_html(*clip, {"<b>x</b> & co": _halved}, SR, snrs=(0,))
    second = sliders.static_audio_html(*clip, {"<b>x</b> & co": _halved}, SR, snrs=(0,))

    def ids(text):
        return set(re.findall(r'\bid="([^"]+)"', text))

    assert ids(first) and not ids(first) & ids(second)
    markup = first.split('<script type="application/json"')[0]
    assert "<b>x</b> & co" not in markup and "&lt;b&gt;x&lt;/b&gt; &amp; co" in markup


def test_wav_data_uri_matches_the_notebook_player(clip):
    import base64

    from dae import sound_plots

    clean = clip[0]
    uri = sliders.wav_data_uri(clean, SR)
    assert base64.b64decode(uri.split(",", 1)[1]) == sound_plots.player(clean, SR).data  # the same bytes
    quieter = _wav(sliders.wav_data_uri(clean, SR, peak=2 * float(np.abs(clean).max())))[3]
    assert np.abs(quieter).max() == 32767 // 2
    with pytest.raises(ValueError, match="peak of 2"):
        sliders.wav_data_uri(clean, SR, peak=0.5 * float(np.abs(clean).max()))
    with pytest.raises(ValueError, match="peak must be a positive"):
        sliders.wav_data_uri(clean, SR, peak=0.0)


def test_static_audio_returns_notebook_html(clip):
    pytest.importorskip("IPython")
    shown = sliders.static_audio(*clip, {}, SR, snrs=(0, 10))
    assert shown._repr_html_().startswith('<div class="dae-slider"')
    assert _numberless(shown._repr_html_()) == _numberless(sliders.static_audio_html(*clip, {}, SR, snrs=(0, 10)))


# --- the static files: the CSS and JavaScript the blocks inline, shipped as package data ------------------


def test_every_static_file_the_code_names_exists():
    import re
    from importlib.resources import files

    from dae.sliders import _html

    package = files("dae.sliders")
    source = "".join(item.read_text(encoding="utf-8") for item in package.iterdir() if item.name.endswith(".py"))
    named = set(re.findall(r"\"([a-z_]+\.(?:css|js))\"", source))
    assert named and named <= set(_html.STATIC_FILES), f"named but not listed in STATIC_FILES: {named - set(_html.STATIC_FILES)}"
    for name in _html.STATIC_FILES:
        assert (package / "static" / name).is_file(), f"dae/sliders/static/{name} is missing"
        assert _html.static_text(name).strip()
    shipped = {item.name for item in (package / "static").iterdir()}
    assert shipped == set(_html.STATIC_FILES), f"static files nothing reads: {shipped - set(_html.STATIC_FILES)}"
    with pytest.raises(ValueError, match="no static slider file"):
        _html.static_text("missing.css")


def test_pyproject_ships_the_static_files():
    import fnmatch
    import tomllib

    from conftest import REPO_ROOT

    setuptools = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "static/*" in setuptools["package-data"]["dae.sliders"]
    packages = setuptools["packages"]
    if isinstance(packages, list):
        assert "dae.sliders" in packages
    else:
        assert any(fnmatch.fnmatchcase("dae.sliders", pattern) for pattern in packages["find"]["include"])


def test_static_blocks_call_their_script_with_their_id(images, clip):
    import re

    for text, script in [
        (sliders.static_html(images[:1], {}, levels=LEVELS), "image.js"),
        (sliders.static_audio_html(*clip, {}, SR, snrs=(0,)), "audio.js"),
    ]:
        (uid,) = re.findall(r'^<div class="dae-slider" id="([^"]+)"', text)
        assert text.endswith(f'("{uid}");</script></div>') and "{uid}" not in text and "$uid" not in text
        assert sliders._html.static_text(script).rstrip() in text
