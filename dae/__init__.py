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

import importlib

__all__ = [
    "audio",
    "audio_metrics",
    "baselines",
    "cache",
    "data",
    "evaluate",
    "metrics",
    "models",
    "noise",
    "plots",
    "results",
    "settings",
    "sliders",
    "source",
    "speech",
    "train",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Modules load on first use, so ``dae.models`` needs Keras alone: the benchmark can then run
    # where only another Keras backend (JAX, PyTorch) is installed, without TensorFlow or librosa.
    if name in __all__:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
