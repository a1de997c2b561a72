"""What the benchmark trains for each image model, read from the chapters' recipes (:mod:`dae.recipes`), never re-typed.

Each model gets two schedules: the tutorial's (its batch, optimizer and epochs, fed as NumPy arrays)
and the chapter's. The benchmark always reads the recipes at full settings; ``--quick`` keeps their batch
sizes and learning rates and caps the epochs at :data:`QUICK_EPOCHS`, on less data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import recipes
from ..recipes import Schedule

MODELS = ("ch02-dense", "ch03-conv", "ch03-unet", "ch04-mask")
RECIPES = {"ch02-dense": "tutorial_dense", "ch03-conv": "tutorial_conv", "ch03-unet": "unet"}  # image model -> function of dae.recipes
QUICK_DIGITS, QUICK_TEST, QUICK_EPOCHS = 6000, 1000, 2


@dataclass(frozen=True)
class Plan:
    """One image model's schedules in the benchmark, at the chapters' full settings.

    ``seed`` is the tutorial's schedule; the U-Net, which has no tutorial, is timed with its chapter's
    optimizer at the convolutional tutorial's batch, and held to that tutorial's PSNR instead of being
    trained with it (``train_seed`` is False).
    """

    loss: str
    seed: Schedule
    chapter: Schedule
    train_seed: bool

    @property
    def seed_epochs(self) -> int | None:
        """The epochs of the tutorial's schedule, or None where it is not trained here."""
        return self.seed.epochs if self.train_seed else None


def full_settings():
    """The settings the recipes are read at: full, whatever ``--quick`` says (quick mode caps the epochs instead)."""
    from .. import settings
    from .device import backend_device

    return settings.Settings(quick=False, seed=0, device=backend_device())


def recipe(name: str) -> recipes.Recipe:
    """The chapter's recipe for image model ``name``, at full settings (looked up when called, so a test can replace it)."""
    return getattr(recipes, RECIPES[name])(full_settings())


def plan(name: str) -> Plan:
    """The tutorial's and the chapter's schedule of image model ``name``, from the recipes."""
    own = recipe(name)
    if own.tutorial is not None:
        return Plan(loss=own.loss, seed=own.tutorial, chapter=own.chapter, train_seed=True)
    tutorial = recipe("ch03-conv").tutorial  # the U-Net is held to the tutorial's convolutional model
    return Plan(loss=own.loss, seed=replace(own.chapter, batch_size=tutorial.batch_size), chapter=own.chapter, train_seed=False)


def capped(epochs: int, quick: bool) -> int:
    """``epochs``, at most :data:`QUICK_EPOCHS` in quick mode."""
    return min(epochs, QUICK_EPOCHS) if quick else epochs


def image_model(name: str, schedule: str, epochs: int, samples: int, jit_compile: bool | str = False):
    """A fresh model ``name``, compiled with its plan's ``schedule`` ('seed' or 'chapter'), a cosine spanning ``epochs`` passes over ``samples``."""
    from .. import models

    if schedule not in ("seed", "chapter"):
        raise ValueError(f"schedule must be 'seed' or 'chapter', got {schedule!r}")
    chosen = plan(name)
    if name == "ch02-dense":
        _, _, model = models.dense_autoencoder()
    elif name == "ch03-conv":
        _, _, model = models.conv_autoencoder(latent_dim=16)
    else:
        model = models.unet_denoiser(filters=(16, 32), batch_norm=True)
    model.compile(optimizer=getattr(chosen, schedule).make_optimizer(samples, epochs), loss=chosen.loss, jit_compile=jit_compile)
    return model
