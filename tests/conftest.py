"""Shared fixtures for the ``dae`` tests.

The real MNIST mirror is found through ``$DAE_DATA_DIR`` if set, else ``../shared/data`` next to the
repository; tests that need it are skipped (with the reason) when it is absent. The mirror is read only;
tests that need broken files write them under pytest's ``tmp_path``.
"""

from __future__ import annotations

import os
from pathlib import Path

# Before anything imports matplotlib or TensorFlow: a headless backend and a quiet TF log.
os.environ["MPLBACKEND"] = "Agg"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
# The browser tests drive Debian's Chromium through Playwright; $DAE_CHROMIUM names another.
CHROMIUM = os.environ.get("DAE_CHROMIUM", "/usr/bin/chromium")


def launch_chromium(playwright):
    """Headless Chromium from ``CHROMIUM`` for a Playwright session; the test fails, saying how to install it, when it is missing."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) or set DAE_CHROMIUM")
    return playwright.chromium.launch(executable_path=CHROMIUM)


MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def _limit_tensorflow_threads() -> None:
    """The test models are tiny: one thread is as fast, and timings stay steady on a busy machine."""
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # the runtime was already initialised; the defaults then stay
        pass


_limit_tensorflow_threads()


def mirror_root() -> Path:
    """The folder holding ``mnist/``: ``$DAE_DATA_DIR`` if set, else ``<repo>/../shared/data``."""
    raw = os.environ.get("DAE_DATA_DIR", "").strip()
    return Path(raw).expanduser() if raw else (REPO_ROOT.parent / "shared" / "data")


@pytest.fixture(scope="session")
def mnist_root() -> Path:
    """The real MNIST mirror root (its ``mnist/`` holds the four ``.gz`` IDX files); skip if absent."""
    root = mirror_root()
    folder = root / "mnist"
    missing = [n for n in MNIST_FILES if not (folder / n).is_file() and not (folder / f"{n}.gz").is_file()]
    if missing:
        pytest.skip(f"no MNIST mirror at {folder} (missing {', '.join(missing)}); set DAE_DATA_DIR to a folder whose mnist/ holds the IDX files")
    return root


@pytest.fixture(scope="session")
def mnist_dir(mnist_root) -> Path:
    """The ``mnist/`` folder of the real mirror."""
    return mnist_root / "mnist"


@pytest.fixture(scope="session")
def mnist(mnist_root):
    """MNIST loaded once per session from the real mirror: ``(x_train, y_train), (x_test, y_test)``."""
    from dae.data import load_mnist

    return load_mnist(mnist_root)


@pytest.fixture()
def images() -> np.ndarray:
    """A small float32 batch (8, 28, 28) in [0, 1], the shape of MNIST digits."""
    return np.random.RandomState(1234).rand(8, 28, 28).astype(np.float32)


@pytest.fixture()
def grey_images() -> np.ndarray:
    """A mid-grey float32 batch (4, 32, 32): every pixel 0.5, so any 0 or 1 pixel is noise."""
    return np.full((4, 32, 32), 0.5, dtype=np.float32)


@pytest.fixture()
def settings_quick():
    """A stand-in for ``dae.settings.setup()`` in quick mode, without seeding anything."""
    from dae.settings import Settings

    return Settings(quick=True, seed=0, device="CPU")


@pytest.fixture()
def settings_full():
    """A stand-in for ``dae.settings.setup()`` at full settings."""
    from dae.settings import Settings

    return Settings(quick=False, seed=0, device="CPU")


@pytest.fixture(autouse=True)
def _default_training_seed(monkeypatch):
    """Tests see the chapters' own seeds, whatever DAE_SEED the shell that ran them exports."""
    monkeypatch.delenv("DAE_SEED", raising=False)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test left open."""
    yield
    plt.close("all")


def speechlike(seconds: float = 2.0, seed: int = 0, sr: int = 8000) -> np.ndarray:
    """A voiced, syllable-like test signal: harmonics of 120 Hz under a 4 Hz envelope, plus faint breath noise."""
    t = np.arange(int(seconds * sr)) / sr
    envelope = np.clip(np.sin(2 * np.pi * 2 * t), 0, None) ** 2
    voice = sum(np.sin(2 * np.pi * 120 * k * t) / k for k in range(1, 20))
    breath = 0.01 * np.random.default_rng(seed).standard_normal(t.size)
    return (0.2 * envelope * voice + breath).astype(np.float32)


def snr_db(clean, noise) -> float:
    """The ratio of the power of ``clean`` to that of ``noise``, in dB."""
    clean, noise = np.asarray(clean, np.float64), np.asarray(noise, np.float64)
    return 10 * np.log10(np.sum(clean**2) / np.sum(noise**2))


def pytest_collection_modifyitems(items):
    """Two adjustments for scripts/test.sh.

    - nbval (run on the chapters in the Python 3.12 leg) waits at most 5 s for a finished cell's outputs; a kernel on a
      busy 2-core machine, beside the other test leg, can take longer to send them.
    - Groups for pytest-xdist's ``--dist loadgroup`` (two workers in the Python 3.11 leg): each test file stays whole on
      one worker, as with ``--dist loadfile``, except the browser tests, which are grouped by page, and run page by
      page. The browser file is the longest by far; split by page, it runs on both workers, and each page is loaded
      once for all the tests that only read it.
    """
    pages = {}
    for item in items:
        if hasattr(item, "output_timeout"):  # an nbval cell
            item.output_timeout = 60
        callspec = getattr(item, "callspec", None)
        page = callspec.params.get("page", callspec.params.get("page_name")) if callspec else None
        if page and item.path.name == "test_browser.py":
            pages[item] = page
        item.add_marker(pytest.mark.xdist_group(f"{item.path.name}::{page}" if item in pages else item.path.name))
    # The browser tests of one page one after another, so that a page loaded for one is still open for the next.
    browser_tests = [item for item in items if item.path.name == "test_browser.py"]
    if browser_tests:
        first = items.index(browser_tests[0])
        ordered = sorted(browser_tests, key=lambda item: pages.get(item, ""))  # stable: each page's tests keep their order
        items[first : first + len(browser_tests)] = ordered


# In CI the data mirrors are always there, so a test skipped for want of one hides a broken mirror or path:
# with DAE_REQUIRE_DATA=1 (scripts/test.sh sets it when a mirror is configured) such a skip is a failure.
MIRROR_SKIP_WORDS = ("mirror",)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("DAE_REQUIRE_DATA") == "1":
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if any(word in str(reason) for word in MIRROR_SKIP_WORDS):
            report.outcome = "failed"
            report.longrepr = f"DAE_REQUIRE_DATA=1, but this test was skipped: {reason}"
