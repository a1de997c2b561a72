"""scripts/explain_failure.py: a failed build's last lines name the chapter, the failed line and its report."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "explain_failure.py"

REPORT = """\
Traceback (most recent call last):
  File "nbclient/client.py", line 1, in execute
An error occurred while executing the following cell:
------------------
assert numbers["white0_gain"] >= 6.0, numbers
------------------

\x1b[0;31mAssertionError\x1b[0m                            Traceback (most recent call last)
Cell \x1b[0;32mIn[40], line 3\x1b[0m
\x1b[0;32m----> 3\x1b[0m \x1b[38;5;28;01massert\x1b[39;00m numbers[\x1b[38;5;124m"white0_gain"\x1b[39m] >= 6.0, numbers

AssertionError: {'white0_gain': 5.2}
"""


def run(build):
    return subprocess.run([sys.executable, str(SCRIPT), str(build)], capture_output=True, text=True, check=True).stdout


def test_names_the_chapter_the_failed_line_and_the_report(tmp_path):
    log = tmp_path / "html" / "reports" / "book" / "06_cats_and_dogs.err.log"
    log.parent.mkdir(parents=True)
    log.write_text(REPORT)
    out = run(tmp_path).splitlines()
    assert out[0] == "FAILED: 06_cats_and_dogs"
    assert out[1].strip() == 'at:     assert numbers["white0_gain"] >= 6.0, numbers'
    assert out[2].strip() == "error:  AssertionError: {'white0_gain': 5.2}"
    assert out[3].strip() == f"report: {log}"


def test_without_reports_it_points_at_the_warnings(tmp_path):
    assert "No chapter failed" in run(tmp_path)
