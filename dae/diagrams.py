"""Diagrams of the book's networks drawn with matplotlib alone: :func:`unet_diagram` draws the U-Net of
:func:`dae.models.unet_denoiser` level by level, with the shape of the features at each level."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

# What each part of a diagram is, kept as the artist's gid so that tests (and readers of the code) can find it.
BOX, DOWN, UP, SKIP, FLOW = "box", "down", "up", "skip", "flow"
_COLOURS = {"input": "0.85", "down": "#c6dbef", "bottom": "#fdd0a2", "up": "#c7e9c0", "output": "0.85"}


def _shape(size: tuple[int, int], channels: int) -> str:
    return f"{size[0]}×{size[1]}×{channels}"


def _check(filters, image_shape) -> tuple[list[int], tuple[int, int], int]:
    """The filters and image shape of :func:`unet_diagram`, checked as :func:`dae.models.unet_denoiser` needs them."""
    filters = [int(f) for f in filters]
    if not filters or any(f <= 0 for f in filters):
        raise ValueError(f"filters must be one positive number per level, got {filters}")
    if len(image_shape) != 3 or any(int(s) <= 0 for s in image_shape):
        raise ValueError(f"image_shape must be (height, width, channels), got {tuple(image_shape)}")
    height, width, channels = (int(s) for s in image_shape)
    step = 2 ** len(filters)
    if height % step or width % step:
        raise ValueError(f"height and width must be divisible by {step} for {len(filters)} levels, got {height}×{width}")
    return filters, (height, width), channels


def unet_diagram(filters: Sequence[int] = (16, 32), image_shape: Sequence[int] = (28, 28, 1), title: str | None = None):
    """Draw :func:`dae.models.unet_denoiser` (``fold=1``) as a U: one box per level and side with its feature shape.

    ``filters`` are the levels' filter counts (the bottom has twice the last), ``image_shape`` the input's
    (height, width, channels). Down arrows: 2×2 max pooling; up arrows: a transposed convolution of stride 2;
    horizontal arrows: the skip connections, concatenated with the upsampled features. Every box stands for two
    3×3 convolutions. Returns the Figure (6.8 inches wide); boxes and arrows carry the gids ``BOX``, ``DOWN``,
    ``UP``, ``SKIP`` and ``FLOW``.
    """
    filters, (height, width), channels = _check(filters, image_shape)
    levels = len(filters)
    fig, ax = plt.subplots(figsize=(6.8, 1.15 * levels + 2.3))
    box_w, box_h = 1.45, 0.52
    x_in, x_down, x_up, x_out = 0.0, 2.0, 5.6, 7.75
    x_bottom = (x_down + x_up) / 2

    def box(x, y, text, colour):
        ax.add_patch(
            FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h, boxstyle="round,pad=0.03", facecolor=colour, edgecolor="0.3", gid=BOX)
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=9)

    def arrow(start, end, kind, label=None, offset=(0.0, 0.0), ha="center", colour="0.25"):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, color=colour, lw=1.2, gid=kind))
        if label:
            middle = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
            ax.text(*middle, label, ha=ha, va="center", fontsize=8, color=colour)

    def size_at(level):
        return (height // 2**level, width // 2**level)

    ys = [-1.15 * level for level in range(levels + 1)]  # level 0 on top, the bottom block below the last level
    box(x_in, ys[0], f"noisy\n{_shape(size_at(0), channels)}", _COLOURS["input"])
    box(x_out, ys[0], f"clean\n{_shape(size_at(0), channels)}", _COLOURS["output"])
    arrow((x_in + box_w / 2, ys[0]), (x_down - box_w / 2, ys[0]), FLOW)
    arrow((x_up + box_w / 2, ys[0]), (x_out - box_w / 2, ys[0]), FLOW, "1×1 conv,\nsigmoid", offset=(0.0, 0.45))
    for level, f in enumerate(filters):
        y = ys[level]
        box(x_down, y, _shape(size_at(level), f), _COLOURS["down"])
        box(x_up, y, _shape(size_at(level), f), _COLOURS["up"])
        arrow((x_down + box_w / 2, y), (x_up - box_w / 2, y), SKIP, "skip: copy and\nconcatenate", offset=(0.0, 0.27), colour="tab:purple")
    bottom = 2 * filters[-1]
    box(x_bottom, ys[levels], _shape(size_at(levels), bottom), _COLOURS["bottom"])
    pool, upsample = "max pool 2×2", "transposed conv,\nstride 2"
    for level in range(levels):
        top, below = ys[level] - box_h / 2, ys[level + 1]
        if level < levels - 1:  # straight down to the next level, and straight up from it
            arrow((x_down, top), (x_down, below + box_h / 2), DOWN, pool, offset=(-0.1, 0.0), ha="right")
            arrow((x_up, below + box_h / 2), (x_up, top), UP, upsample, offset=(0.1, 0.0), ha="left")
        else:  # into the bottom block from the left, out of it to the right
            arrow((x_down, top), (x_bottom - box_w / 2, below), DOWN, pool, offset=(-0.15, -0.05), ha="right")
            arrow((x_bottom + box_w / 2, below), (x_up, top), UP, upsample, offset=(0.15, -0.05), ha="left")
    ax.text(
        x_bottom,
        ys[-1] - 0.5,
        "Each box: the features' height × width × channels after two 3×3 convolutions.\n"
        "Going up, the upsampled features are concatenated with the skip's before the convolutions.",
        ha="center",
        va="top",
        fontsize=8,
        color="0.3",
    )
    ax.set_xlim(x_in - box_w / 2 - 0.1, x_out + box_w / 2 + 0.1)
    ax.set_ylim(ys[-1] - 1.05, ys[0] + 0.7)
    ax.axis("off")
    ax.set_title(title or "The chapter's U-Net: the features of each level skip the narrow middle", fontsize=10)
    fig.tight_layout()
    return fig
