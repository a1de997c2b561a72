"""Helpers shared by the chapters of *Denoising Autoencoders, an executed book*.

Each module holds one idea: ``settings`` (quick mode, seeds, device), ``data`` (loaders and
mirrors), ``noise``, ``models``, ``train``, ``metrics``, ``baselines`` (classical denoisers),
``evaluate`` (one table per noise setting, robustness sweeps), ``audio`` (sound: noise at an SNR,
spectrogram features and their inverses, spectral gating, players), ``audio_metrics`` (SI-SDR,
STOI, PESQ, log-spectral distance), ``speech`` (the speech chapter's model as a recipe later chapters
call), ``cache`` (trained models kept between chapters of one build), ``plots``, ``sliders``,
``results`` (the JSON record of every table) and ``source`` (showing this package's code in a page).
"""

import os

# TensorFlow's C++ start-up messages (CPU features, CUDA probing) are noise in a rendered page.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from . import audio, audio_metrics, baselines, cache, data, evaluate, metrics, models, noise, plots, results, settings, sliders, source, speech, train

__all__ = ["audio", "audio_metrics", "baselines", "cache", "data", "evaluate", "metrics", "models", "noise", "plots", "results", "settings", "sliders", "source", "speech", "train"]
__version__ = "0.1.0"
