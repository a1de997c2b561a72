"""pytest settings for the chapters when nbval executes them (scripts/test.sh, the Python 3.12 leg)."""


def pytest_collection_modifyitems(items):
    # After a cell finishes, nbval waits at most 5 s for each of its outputs; a kernel on a busy 2-core machine,
    # beside the other test leg, can take longer than that to send them, and the cell would fail for it.
    for item in items:
        if hasattr(item, "output_timeout"):
            item.output_timeout = 60
