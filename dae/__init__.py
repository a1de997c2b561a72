"""Helpers shared by the chapters of *Denoising Autoencoders, an executed book*.

Each module holds one idea: ``settings`` (quick mode, seeds, device), ``data`` (loaders and
mirrors), ``noise``, ``models``, ``train``, ``metrics``, ``plots``, ``results`` (the JSON
record of every table) and ``source`` (showing this package's code in a page).
"""

from . import data, metrics, models, noise, plots, results, settings, source, train

__all__ = ["data", "metrics", "models", "noise", "plots", "results", "settings", "source", "train"]
__version__ = "0.1.0"
