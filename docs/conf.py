"""Sphinx configuration of keyrand's documentation site.

Build it from the repository root with
``python3 -m sphinx -W --keep-going -b html docs docs/_build/html``
(after ``pip install -e ".[docs]"``). The pages are Markdown (MyST); the API
reference is generated from the docstrings of this checkout's ``src/keyrand``.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Document this checkout's source, whatever keyrand is installed, and load the local extension.
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, os.path.join(HERE, "_ext"))

import keyrand  # noqa: E402

project = "keyrand"
author = "the keyrand developers"
copyright = "the keyrand developers"
release = version = keyrand.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "keyrand_docs",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]

# Markdown: $...$ maths, ::: fences, and anchors for headings down to ### so that
# links such as algorithms.md#34-one-hash-pass-per-call resolve.
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

# Docstrings are Google style; type hints are shown in the signatures.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "signature"

html_theme = "furo"
html_title = f"keyrand {release}"
