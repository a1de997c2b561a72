"""A non-editable install of dae ships every module and every data file the package reads.

An editable install (``pip install -e .``, what scripts/setup_env.sh makes) reads the source tree, so a
subpackage or static file left out of pyproject.toml would only show in a real install: this test makes
one, from a wheel, into a folder of its own, and imports every module from there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dae"


def _source_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":
            continue  # importing it would run the command line
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _source_data_files() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """dae built as a wheel and installed, without its dependencies, into a folder apart from the sources."""
    work = tmp_path_factory.mktemp("install")
    # Built from a copy of the sources, so that no build folder left in the checkout can add files.
    source = work / "source"
    shutil.copytree(PACKAGE, source / "dae", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "wheel"), str(source)], check=True, cwd=work)
    (wheel,) = (work / "wheel").glob("dae-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(work / "site"), str(wheel)], check=True, cwd=work)
    return work / "site"


def test_the_installed_package_holds_every_data_file(installed):
    missing = [name for name in _source_data_files() if "__pycache__" not in name and not (installed / name).is_file()]
    assert not missing, f"not installed (add them to [tool.setuptools.package-data]): {missing}"


def test_every_module_imports_from_the_installed_copy(installed):
    """Each module imports from the install, not from the source tree; the sliders find their static files there, Chapter 4 its clips."""
    script = f"""
import importlib, json
names = {_source_modules()!r}
found = {{name: importlib.import_module(name).__file__ for name in names}}
from dae.sliders import _html
found["static"] = [name for name in _html.STATIC_FILES if _html.static_text(name).strip()]
from dae.data import clip_path
found["clips"] = [str(clip_path(name)) for name in ("hello.wav", "second.wav")]
print(json.dumps(found))
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(installed), *sys.path[1:]]))
    done = subprocess.run([sys.executable, "-c", script], cwd=installed.parent, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    outside = {name: path for name, path in found.items() if name not in ("static", "clips") and not path.startswith(str(installed))}
    assert not outside, f"imported from outside the install: {outside}"
    from dae.sliders import _html

    assert found["static"] == list(_html.STATIC_FILES), f"the sliders read only {found['static']} of {_html.STATIC_FILES}"
    assert all(path.startswith(str(installed)) for path in found["clips"]), f"Chapter 4's clips not found in the install: {found['clips']}"
