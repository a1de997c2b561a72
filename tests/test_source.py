"""dae.source: showing this package's own code outside Jupyter."""

from __future__ import annotations

import inspect

import pytest

import dae.noise
from dae.source import show


def test_show_prints_source_of_a_function_outside_ipython(capsys):
    show(dae.noise.gaussian)
    out = capsys.readouterr().out
    assert out.startswith("def gaussian(")
    assert out.strip() == inspect.getsource(dae.noise.gaussian).strip()


def test_show_prints_source_of_a_class(capsys):
    from dae.settings import Settings

    show(Settings)
    assert "class Settings" in capsys.readouterr().out


def test_show_rejects_a_builtin():
    with pytest.raises(TypeError, match="cannot show the source"):
        show(len)


def test_show_rejects_a_plain_value():
    with pytest.raises(TypeError, match="cannot show the source"):
        show(42)
