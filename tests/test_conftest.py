"""The test suite's own rule: where the data mirrors must be present, a test skipped for want of one fails."""

from __future__ import annotations

from pathlib import Path

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")


def _run(pytester, monkeypatch, required: str):
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makepyfile(
        """
        import pytest

        def test_needs_a_mirror():
            pytest.skip("no FSDD mirror at /nowhere; set DAE_DATA_DIR")

        def test_skips_for_another_reason():
            pytest.skip("PyWavelets is not installed")
        """
    )
    monkeypatch.setenv("DAE_REQUIRE_DATA", required)
    return pytester.runpytest("-p", "no:cacheprovider")


def test_a_missing_mirror_fails_when_data_are_required(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "1")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*DAE_REQUIRE_DATA=1, but this test was skipped*no FSDD mirror*"])


def test_a_missing_mirror_is_a_skip_otherwise(pytester, monkeypatch):
    _run(pytester, monkeypatch, "0").assert_outcomes(skipped=2)
