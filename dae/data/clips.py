"""The project's own short spoken clips (``audio/hello.wav``, ``audio/second.wav``): found in a checkout, or, for an
installed package (as in Colab), downloaded once from the repository and checked against the committed sha256.
"""

from __future__ import annotations

from pathlib import Path

from ._download import CorruptDataError, DataUnavailableError, download_dir, download_file, read_manifest

CLIPS_FOLDER = "audio"  # the project's own short spoken clips (hello.wav, second.wav), beside the package
CLIPS_MANIFEST = "audio_clips.sha256"  # their sha256, shipped with the package
# Where an installed package (Colab) fetches the clips: the repository that _config.yml names (a test checks).
REPOSITORY = "dae-book/denoising-autoencoders"
CLIPS_URL = "https://raw.githubusercontent.com/{repository}/main/audio/{name}"


def clip_path(name: str) -> Path:
    """The path of one of the project's spoken clips (``audio/hello.wav``, ``audio/second.wav``).

    Looks in the folder ``audio/`` of the project that holds the working folder, then beside the ``dae``
    package (a checkout or an editable install), then in the download cache; an installed package (as in
    Colab) downloads the clip from the repository once. Every copy outside a checkout is checked against
    the sha256 in ``dae/manifests/audio_clips.sha256``.
    """
    from ..results import project_root

    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise ValueError(f"name must be a clip's file name such as 'hello.wav', got {name!r}")
    root = project_root()
    beside_package = Path(__file__).resolve().parents[2] / CLIPS_FOLDER  # dae/data/clips.py -> the folder holding dae/
    places = ([root / CLIPS_FOLDER] if root is not None else []) + [beside_package]
    for folder in places:
        if (folder / name).is_file():
            return folder / name
    manifest = read_manifest(CLIPS_MANIFEST)
    if name not in manifest:
        looked = ", ".join(str(folder) for folder in places)
        raise FileNotFoundError(f"{name} is not one of the project's clips ({', '.join(sorted(manifest))}); looked in {looked}")
    url = CLIPS_URL.format(repository=REPOSITORY, name=name)
    try:
        return download_file(url, manifest[name], download_dir() / "clips" / name)
    except CorruptDataError:
        raise  # it arrived, but not the committed bytes: nothing was saved
    except Exception as err:  # offline, or the host refused: say where the clip can be found
        raise DataUnavailableError(
            f"{name} is not in a checkout here and could not be downloaded from {url} ({type(err).__name__}: {err}); "
            "clone the repository and run in it, or connect to the internet"
        ) from err
