"""After a failed book build: name each chapter that failed, the line that failed and its report.

    python scripts/explain_failure.py _build          # the build folder given to jupyter-book

Jupyter Book saves the traceback of a notebook that stopped in ``<build>/html/reports/<page>.err.log``
and prints it far above the end of a long build log; this prints the essentials as the last lines.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def summary(log: Path) -> tuple[str, str]:
    """(the source line that raised, the exception line) from a report; '' where not found."""
    lines = [ANSI.sub("", line).rstrip() for line in log.read_text(errors="replace").splitlines()]
    raised = [line for line in lines if line.lstrip().startswith("---->") or line.lstrip().startswith("-->")]
    errors = [line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt)\b", line)]
    where = re.sub(r"^\s*-+>\s*\d*\s*", "", raised[-1]) if raised else ""
    return where.strip(), errors[-1][:400] if errors else ""


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    build = Path(args[0] if args else "_build")
    logs = sorted((build / "html" / "reports").rglob("*.err.log"))
    if not logs:
        print(f"No chapter failed to execute (no reports in {build / 'html' / 'reports'}): the cause is a warning above.")
        return 0
    for log in logs:
        where, error = summary(log)
        print(f"FAILED: {log.name.removesuffix('.err.log')}")
        if where:
            print(f"  at:     {where}")
        if error:
            print(f"  error:  {error}")
        print(f"  report: {log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
