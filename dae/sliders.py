"""Noise sliders: move the noise type and level, watch each denoiser's output and its PSNR.

``frame`` computes what one slider position shows; ``draw_frame`` draws it; ``live`` wires both to
``ipywidgets`` controls for Jupyter and Colab. A static page can be built from the same ``frame``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np

from . import metrics, noise

# Noise families a slider offers; each maps (images, level, seed) -> noisy images in [0, 1].
NOISES: dict[str, Callable] = {
    "Gaussian, sigma = level": lambda x, level, seed: noise.gaussian(x, sigma=level, seed=seed),
    "shifted Gaussian, N(level, level)": lambda x, level, seed: noise.shifted_gaussian(x, loc=level, scale=level, seed=seed),
    "salt and pepper, amount = level": lambda x, level, seed: noise.salt_and_pepper(x, amount=level, seed=seed),
}


def frame(clean, denoisers: Mapping[str, Callable], noise_name: str, level: float, seed: int = 0) -> dict:
    """One slider position: clean (H, W) in [0, 1] -> {'noisy': (image, psnr), name: (image, psnr), ...}.

    Each denoiser maps a batch (N, H, W) to a batch (N, H, W) in [0, 1].
    """
    if noise_name not in NOISES:
        raise ValueError(f"noise_name must be one of {list(NOISES)}, got {noise_name!r}")
    if not 0.0 <= level <= 1.0:
        raise ValueError(f"level must lie in [0, 1], got {level!r}")
    clean = noise.check_images(clean, "clean")
    if clean.ndim != 2:
        raise ValueError(f"clean must be one grey image (H, W), got shape {clean.shape}")
    batch = clean[None].astype(np.float32)
    noisy = NOISES[noise_name](batch, level, seed)
    shown = {"noisy": noisy}
    for name, denoise in denoisers.items():
        out = np.asarray(denoise(noisy), dtype=np.float32).reshape(batch.shape)
        shown[name] = np.clip(out, 0.0, 1.0)
    return {name: (images[0], float(metrics.psnr(batch, images)[0])) for name, images in shown.items()}


def draw_frame(clean, shown: Mapping[str, tuple], title: str | None = None, size: float = 1.8):
    """Draw the clean image beside each (image, psnr) of a ``frame``; returns the Figure."""
    panels = [("clean", clean, None), *[(name, image, score) for name, (image, score) in shown.items()]]
    fig, axes = plt.subplots(1, len(panels), figsize=(size * len(panels), size + 0.6))
    for ax, (name, image, score) in zip(np.atleast_1d(axes), panels):
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
        ax.set_title(name, fontsize=10)
        if score is not None:
            ax.set_xlabel("PSNR " + ("inf" if not np.isfinite(score) else f"{score:.1f} dB"), fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def live(clean_images, denoisers: Mapping[str, Callable], level: float = 0.2, max_level: float = 0.6, seed: int = 0):
    """Show ipywidgets controls (noise type, level, digit) that redraw ``draw_frame`` as they move."""
    import ipywidgets as widgets
    from IPython.display import display

    clean_images = noise.check_images(clean_images, "clean_images")
    if clean_images.ndim == 4 and clean_images.shape[-1] == 1:
        clean_images = clean_images[..., 0]
    if clean_images.ndim != 3:
        raise ValueError(f"clean_images must be a batch (N, H, W), got shape {clean_images.shape}")
    noise_box = widgets.Dropdown(options=list(NOISES), description="noise")
    level_box = widgets.FloatSlider(value=level, min=0.0, max=max_level, step=0.02, description="level", continuous_update=False)
    index_box = widgets.IntSlider(value=0, min=0, max=len(clean_images) - 1, description="digit", continuous_update=False)

    def redraw(noise_name, level, index):
        shown = frame(clean_images[index], denoisers, noise_name, level, seed=seed)
        draw_frame(clean_images[index], shown)
        plt.show()

    out = widgets.interactive_output(redraw, {"noise_name": noise_box, "level": level_box, "index": index_box})
    display(widgets.VBox([widgets.HBox([noise_box, level_box, index_box]), out]))
