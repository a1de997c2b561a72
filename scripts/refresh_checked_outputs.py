"""Execute chapters in quick mode and keep only the outputs that nbval compares.

Usage: python scripts/refresh_checked_outputs.py book/01_autoencoder_basics.ipynb [...]

Cells tagged ``nbval-check-output`` keep their stdout (shapes, parameter counts); every other
output is stripped, so notebooks stay small in git and the book build executes them afresh.
"""

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TAG = "nbval-check-output"


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    executed = nbformat.read(path, as_version=4)
    os.environ["DAE_QUICK"] = "1"
    NotebookClient(executed, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell, run in zip(nb.cells, executed.cells):
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.outputs = []
        if TAG in cell.metadata.get("tags", []):  # nbval compares only cells that look run: keep the count too
            cell.execution_count = run.execution_count
            cell.outputs = [o for o in run.outputs if o.output_type == "stream" and o.name == "stdout"]
    nbformat.write(nb, path)
    print(f"{path}: kept outputs of {sum(TAG in c.metadata.get('tags', []) for c in nb.cells)} checked cells")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    for name in sys.argv[1:]:
        refresh(Path(name))
