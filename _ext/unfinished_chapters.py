"""Sphinx extension (loaded through _config.yml's local_extensions): a chapter that stopped says so on its page.

When a chapter's code fails during a build (a hidden check or any cell), the build itself fails, but
its page is still written, without the outputs after the failure: a reader would take it for finished.
Each such page opens with a warning that names the error and says that its results are missing.
"""

from __future__ import annotations

import re

from docutils import nodes

MESSAGE = (
    "This chapter's code stopped with an error ({error}) when this page was built, so the results after that "
    "point are missing or incomplete. Run the chapter yourself to see them."
)


def execution_data(env, docname: str):
    """myst-nb's record of executing ``docname`` (a mapping with ``succeeded`` and ``error``), or None."""
    from myst_nb.sphinx_ import NbMetadataCollector

    try:
        return NbMetadataCollector.get_exec_data(env, docname)
    except (KeyError, AttributeError):  # not a notebook, or never executed
        return None


def error_name(data) -> str:
    """The error the chapter's cell raised (e.g. AssertionError), found in the traceback, else the executor's."""
    traceback = re.sub(r"\x1b\[[0-9;]*m", "", data.get("traceback") or "")  # without the terminal's colours
    names = re.findall(r"^\s*(\w+(?:Error|Exception))\b", traceback, flags=re.MULTILINE)
    names = [name for name in names if name != "CellExecutionError"]
    return names[-1] if names else data.get("error") or "unknown error"


def warn_if_unfinished(app, doctree, docname: str) -> None:
    data = execution_data(app.env, docname)
    if not data or data.get("succeeded", True):
        return
    warning = nodes.warning("", nodes.paragraph(text=MESSAGE.format(error=error_name(data))))
    warning["classes"].append("dae-unfinished-chapter")
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        doctree.insert(0, warning)
    else:  # under the chapter's title
        title = next((i for i, child in enumerate(section.children) if isinstance(child, nodes.title)), -1)
        section.insert(title + 1, warning)


def setup(app):
    app.connect("doctree-resolved", warn_if_unfinished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
