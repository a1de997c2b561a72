"""The denoising lab: a chapter's trained models run in the reader's browser, on any test digit or one the reader
draws, under any of the chapter's noises at any level, with PSNR and SSIM computed in the page.

``show(models, digits, trained_on=..., table=...)`` is the one call a chapter makes: it exports each model to ONNX
(:mod:`dae.export`, checked against Keras) and shows the block :func:`html` writes (``block``). In the built book
the block loads ONNX Runtime Web (``scripts/vendor_onnxruntime.sh``, served as ``_static/onnxruntime``) and the
models (copied into ``_static/dae-lab`` by the book's Sphinx extension with :func:`copy_models`, ``build``).
Opened from a file, with JavaScript off or when a model fails, it says in one line why it is off; the static
slider beside it (``dae.sliders.static``) still shows the frames computed at build time.
"""

from .block import CHECKED, DIGITS, MODELS_FOLDER, NOISES, RUNTIME_FOLDER, html, show, static_text
from .build import copy_models, named_models, runtime_files, write_page

__all__ = [
    "CHECKED",
    "DIGITS",
    "MODELS_FOLDER",
    "NOISES",
    "RUNTIME_FOLDER",
    "copy_models",
    "html",
    "named_models",
    "runtime_files",
    "show",
    "static_text",
    "write_page",
]
