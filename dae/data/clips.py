"""The project's own short spoken clips (``hello.wav``, ``second.wav``), shipped inside the package in ``dae/clips/``
so that an installed package (as in Colab) needs no download and no checkout to find them. ``audio/make_hello.sh``
makes them again.
"""

from __future__ import annotations

from pathlib import Path

CLIPS_FOLDER = Path(__file__).resolve().parents[1] / "clips"  # dae/data/clips.py -> dae/clips/


def clip_names() -> list[str]:
    """The file names of the clips the package ships, sorted: ``['hello.wav', 'second.wav']``."""
    return sorted(path.name for path in CLIPS_FOLDER.glob("*.wav"))


def clip_path(name: str) -> Path:
    """The path of one of the project's spoken clips inside the installed package, e.g. ``clip_path("hello.wav")``."""
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise ValueError(f"name must be a clip's file name such as 'hello.wav', got {name!r}")
    path = CLIPS_FOLDER / name
    if not path.is_file():
        raise FileNotFoundError(f"{name} is not one of the project's clips ({', '.join(clip_names())}); looked in {CLIPS_FOLDER}")
    return path
