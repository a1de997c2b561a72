"""Helpers shared by the chapters of *Denoising Autoencoders, an executed book*.

Each module holds one idea: ``settings`` (quick mode, seeds, device), ``data`` (loaders, mirrors and the one
verified download path), ``noise`` (noise for images), ``models``, ``recipes`` (how Chapters 2 and 3 train
their models), ``train``, ``metrics``, ``baselines`` (classical denoisers), ``evaluate`` (one table per noise
setting, robustness sweeps), ``sound`` (resampling, the four sound noises, mixing at an exact SNR), ``traits``
(what a sound is like: loudness, calls, pitch), ``spectrogram`` (the STFT, the dB scale, features and their
inverses, patches), ``masks`` (mask targets, a mask model's inputs and training patches, the ways back to
sound, spectral gating), ``audio_metrics`` (SI-SDR, STOI, PESQ, log-spectral distance), ``speech`` (the speech
chapter's model as a recipe later chapters call), ``read_speech`` (LibriSpeech read speech, for measuring that
model outside its training set), ``augment`` (other voices for its training utterances), ``cache`` (trained models kept between chapters of one
build), ``plots`` (the image chapters' figures), ``sound_plots`` (spectrograms, measures against SNR, audio
players), ``figure_text`` (each figure's smallest text, for the page test), ``diagrams`` (a U-Net drawn),
``toy`` (a 2-D data set on a curve, for seeing what a denoiser learns), ``score`` (a noise-conditional denoiser
on that curve, its score field and annealed Langevin sampling), ``diffusion`` (a noise-conditional U-Net, its
noise schedule and sampler), ``sample_quality`` (a digit classifier and the Fréchet distance that judge
generated digits), ``export`` (models to ONNX, checked against Keras), ``lab`` (the denoising lab that runs
them in the page), ``sliders``, ``results`` (the JSON record of every table), ``tables`` (tables as a reader
sees them), ``report`` (those records as Markdown pages) and ``source`` (showing this package's code in a
page); ``_checks`` holds the input guards.
"""

import os

# TensorFlow's C++ start-up messages (CPU features, CUDA probing) are noise in a rendered page.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import importlib

__all__ = [
    "audio_metrics",
    "augment",
    "baselines",
    "cache",
    "data",
    "diagrams",
    "diffusion",
    "evaluate",
    "export",
    "figure_text",
    "lab",
    "masks",
    "metrics",
    "models",
    "noise",
    "plots",
    "read_speech",
    "recipes",
    "report",
    "results",
    "sample_quality",
    "score",
    "settings",
    "sliders",
    "sound",
    "sound_plots",
    "source",
    "spectrogram",
    "speech",
    "tables",
    "toy",
    "train",
    "traits",
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
