"""Make a copy of a chapter run its Colab set-up cell, as Colab does: ``python scripts/as_in_colab.py NOTEBOOK``.

Rewrites NOTEBOOK in place (give it a copy): the set-up cell loses the tags that skip it outside Colab; a cell before
it registers a stand-in ``google.colab`` module, which is all the set-up cell asks of Colab, and uninstalls dae, which
a fresh Colab runtime does not have; a cell after it checks that the dae the kernel now imports was installed from the
repository by that cell. The cell installs dae with ``%pip`` from the repository that _config.yml names;
scripts/test.sh points that address at this checkout (git's ``url.<base>.insteadOf``), since the tests run offline.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SKIP_TAGS = ("skip-execution", "nbval-skip")
STAND_IN = """# A stand-in for Colab (scripts/as_in_colab.py): the set-up cell below only asks whether google.colab is loaded.
import sys, types
sys.modules["google.colab"] = types.ModuleType("google.colab")
%pip uninstall --yes --quiet dae"""
INSTALLED_FROM_REPOSITORY = """# scripts/as_in_colab.py: the dae this kernel imports came from the repository, through the set-up cell's %pip.
import importlib.metadata, json
origin = json.loads(importlib.metadata.distribution("dae").read_text("direct_url.json") or "{}")
assert "vcs_info" in origin, f"dae was not installed from the repository by the set-up cell: {origin}"
print("dae installed from", origin["url"], "at commit", origin["vcs_info"]["commit_id"][:7])"""


def _code_cell(cell_id: str, source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": {}, "outputs": [], "source": source}


def as_in_colab(path: Path) -> None:
    """Un-skip ``path``'s Colab set-up cell, put the stand-in before it and the check after it; an error if it has no such cell."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    setup = [c for c in cells if c["cell_type"] == "code" and '"google.colab" in sys.modules' in "".join(c["source"])]
    if len(setup) != 1:
        raise SystemExit(f"{path}: expected one Colab set-up cell (it tests '\"google.colab\" in sys.modules'), found {len(setup)}")
    setup[0]["metadata"]["tags"] = [t for t in setup[0]["metadata"].get("tags", []) if t not in SKIP_TAGS]
    at = cells.index(setup[0])
    cells[at : at + 1] = [_code_cell("colab-stand-in", STAND_IN), setup[0], _code_cell("colab-installed", INSTALLED_FROM_REPOSITORY)]
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    as_in_colab(Path(sys.argv[1]))
