"""Sphinx extension for keyrand's site: the CLI's help, and a check that the API is complete.

The ``keyrand-help`` directive prints the help of the ``keyrand`` command and
of each subcommand, as ``keyrand [SUBCOMMAND] --help`` prints it, from the
command's own parser, so the page cannot go stale. The check runs after every
page is read: each name of ``keyrand.__all__`` and ``keyrand.dask.__all__``
must be documented on some page, otherwise the build warns (an error under
``-W``), so a new public function cannot be left out of the reference.
"""

import argparse
import os
from unittest import mock

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


#: Width of the help text, fixed so that the page does not depend on the terminal.
HELP_COLUMNS = "88"


def command_helps() -> list[tuple[str, str]]:
    """``(command line, help text)`` of ``keyrand --help`` and each ``keyrand SUB --help``."""
    from keyrand import cli

    with mock.patch.dict(os.environ, {"COLUMNS": HELP_COLUMNS}):
        parser, _ = cli._parser()
        helps = [("keyrand --help", parser.format_help())]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps += [(f"keyrand {name} --help", sub.format_help())
                          for name, sub in action.choices.items()]
    return helps


class KeyrandHelp(SphinxDirective):
    """``keyrand-help``: one section per command line, holding its help as a literal block."""

    def run(self) -> list[nodes.Node]:
        """The sections of the command's help."""
        out: list[nodes.Node] = []
        for line, text in command_helps():
            section = nodes.section(ids=[nodes.make_id(line)])
            section += nodes.title("", "", nodes.literal(line, line))  # no smart dashes
            section += nodes.literal_block(text, text, language="text")
            out.append(section)
        return out


def public_names() -> list[str]:
    """Every public name of ``keyrand`` and ``keyrand.dask``, fully qualified."""
    import keyrand
    import keyrand.dask

    return ([f"keyrand.{n}" for n in keyrand.__all__]
            + [f"keyrand.dask.{n}" for n in keyrand.dask.__all__])


def check_api_complete(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn for each public name that no page documents."""
    documented = set(env.get_domain("py").objects)
    for name in public_names():
        if name not in documented:
            logger.warning("keyrand API reference: %s is public but documented on no page "
                           "(add it to a page of docs/api/)", name)


def setup(app: Sphinx) -> dict[str, object]:
    """Register the ``keyrand-help`` directive and the completeness check."""
    app.add_directive("keyrand-help", KeyrandHelp)
    app.connect("env-check-consistency", check_api_complete)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
