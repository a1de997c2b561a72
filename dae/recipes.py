"""The image chapters' training recipes in one place: each model's epochs, batch size and learning rate.

A recipe says how a chapter trains one model, at full settings and in quick mode
(``settings.choose(full=..., quick=...)``), and, where the chapter is compared with the tutorial it
starts from, the tutorial's own schedule. Chapters 2 and 3 read their constants from here, and so does
``python -m dae.bench``, which times each chapter's schedule against the tutorial's. Chapter 5's speech
model keeps its recipe beside its code, in :func:`dae.speech.recipe`.

Nothing here imports Keras until an optimizer is made.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

OPTIMIZERS = ("adam", "adamax", "cosine_adam")


@dataclass(frozen=True)
class Schedule:
    """One way of training a model: epochs, batch size, the optimizer and the learning rate it starts from.

    ``optimizer`` is ``"adam"`` or ``"adamax"`` (a constant learning rate, as the tutorials train; the
    same names work in ``model.compile``) or ``"cosine_adam"`` (:func:`dae.train.cosine_adam`: Adam whose
    learning rate falls along a cosine over the whole run).
    """

    epochs: int
    batch_size: int
    learning_rate: float
    optimizer: str

    def __post_init__(self):
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")

    def make_optimizer(self, samples: int, epochs: int | None = None):
        """A fresh Keras optimizer; a cosine spans ``epochs`` (default: the schedule's own) passes over ``samples`` inputs."""
        import keras

        from . import train

        if self.optimizer == "cosine_adam":
            epochs = self.epochs if epochs is None else epochs
            return train.cosine_adam(self.learning_rate, epochs=epochs, samples=samples, batch_size=self.batch_size)
        return {"adam": keras.optimizers.Adam, "adamax": keras.optimizers.Adamax}[self.optimizer](self.learning_rate)


@dataclass(frozen=True)
class Recipe:
    """How a chapter trains one model: its loss and its schedule, with the schedules it is compared with or continued by."""

    loss: str
    chapter: Schedule
    tutorial: Schedule | None = None  # the tutorial's own schedule, which the chapter is timed against
    other_noise: Schedule | None = None  # the same model trained afresh on each other noise setting
    fine_tune: Schedule | None = None  # the trained model trained further on another noise setting


def tutorial_dense(settings) -> Recipe:
    """Chapter 2: the course recipe's dense autoencoder (adamax, mean squared error) in batches of 256 instead of its 30 epochs of 32.

    ``other_noise`` trains the same model on the chapter's other noise settings, for fewer epochs.
    """
    chapter = Schedule(epochs=settings.choose(full=20, quick=8), batch_size=256, learning_rate=0.001, optimizer="adamax")
    return Recipe(
        loss="mse",
        chapter=chapter,
        tutorial=Schedule(epochs=30, batch_size=32, learning_rate=0.001, optimizer="adamax"),
        other_noise=replace(chapter, epochs=settings.choose(full=10, quick=3)),
    )


def tutorial_conv(settings) -> Recipe:
    """Chapter 3: the tutorial's convolutional autoencoder (mean squared error), Adam from 0.002 along a cosine instead of its 10 epochs at 0.001."""
    return Recipe(
        loss="mse",
        chapter=Schedule(epochs=settings.choose(full=6, quick=2), batch_size=32, learning_rate=0.002, optimizer="cosine_adam"),
        tutorial=Schedule(epochs=10, batch_size=32, learning_rate=0.001, optimizer="adam"),
    )


def unet(settings) -> Recipe:
    """Chapter 3's U-Net: binary cross-entropy, Adam from 0.004 along a cosine; ``fine_tune`` is one more epoch from 0.002 on another noise.

    Quick mode's single short epoch takes smaller batches: more steps for the normalised layers to settle.
    """
    batch_size = settings.choose(full=128, quick=32)
    return Recipe(
        loss="binary_crossentropy",
        chapter=Schedule(epochs=settings.choose(full=2, quick=1), batch_size=batch_size, learning_rate=0.004, optimizer="cosine_adam"),
        fine_tune=Schedule(epochs=1, batch_size=batch_size, learning_rate=0.002, optimizer="cosine_adam"),
    )
