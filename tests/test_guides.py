"""The guides' code runs: every ```python block of docs/guides/*.md (and of the site's
front page, docs/index.md), in order, per page.

The blocks of one guide share one namespace, as a reader pasting them into one
session would, and each runs once per test session. A test per block reports
where a guide broke (the traceback points at the Markdown line); a block runs
after the guide's earlier blocks, whichever blocks are selected.

A block whose info string is ``python requires=NAME[,NAME...]`` needs optional
packages: it runs only where each NAME can be imported (``gpu``: CuPy with a
CUDA device) and is skipped elsewhere; later blocks must not depend on it.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
_FENCE = re.compile(r"^```python(?P<info>[^\n]*)\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)
_INFO = re.compile(r"^(requires=(?P<names>[A-Za-z_][\w.]*(,[A-Za-z_][\w.]*)*))?$")


@dataclass(frozen=True)
class Block:
    guide: Path
    line: int  # Markdown line of the block's first code line
    code: str
    requires: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.guide.name}:{self.line}"


def _blocks(guide: Path) -> list[Block]:
    text = guide.read_text(encoding="utf-8")
    out = []
    for m in _FENCE.finditer(text):
        info = m["info"].strip()
        parsed = _INFO.match(info)
        line = text.count("\n", 0, m.start("code")) + 1
        if parsed is None:
            raise ValueError(f"{guide.name}:{line}: unknown info string {info!r} "
                             "(expected nothing or requires=NAME[,NAME...])")
        names = tuple(parsed["names"].split(",")) if parsed["names"] else ()
        out.append(Block(guide, line, m["code"], names))
    return out


GUIDE_FILES = [*sorted((DOCS / "guides").glob("*.md")), DOCS / "index.md"]
BLOCKS = [b for g in GUIDE_FILES for b in _blocks(g)]


def _available(name: str) -> bool:
    if name == "gpu":
        try:
            import cupy
            return cupy.cuda.runtime.getDeviceCount() > 0
        except Exception:  # no CuPy, no driver, no device: all mean no GPU here
            return False
    return importlib.util.find_spec(name) is not None


class _Session:
    """Each guide's namespace and how far its blocks have run."""

    def __init__(self) -> None:
        self.namespaces: dict[Path, dict] = {}
        self.done: dict[Path, int] = {}  # number of the guide's blocks already run
        self.failed: dict[Path, Block] = {}

    def run_through(self, block: Block) -> None:
        """Run the guide's blocks up to ``block``, which must pass or skip."""
        guide = block.guide
        guide_blocks = [b for b in BLOCKS if b.guide == guide]
        ns = self.namespaces.setdefault(guide, {"__name__": f"guide_{guide.stem}"})
        target = guide_blocks.index(block)
        while self.done.get(guide, 0) <= target:
            if guide in self.failed:
                pytest.skip(f"block {self.failed[guide]} of this guide failed")
            b = guide_blocks[self.done.get(guide, 0)]
            self.done[guide] = self.done.get(guide, 0) + 1
            missing = [n for n in b.requires if not _available(n)]
            if missing:
                if b is block:
                    pytest.skip(f"{b} needs {', '.join(missing)}")
                continue
            try:
                exec(compile("\n" * (b.line - 1) + b.code, str(guide), "exec"), ns)
            except BaseException:
                self.failed[guide] = b
                if b is block:
                    raise
                pytest.skip(f"block {b} of this guide failed")


_SESSION = _Session()


def test_every_guide_has_code():
    assert {p.stem for p in GUIDE_FILES} >= {"numpy", "pytorch", "pitfalls"}
    for guide in GUIDE_FILES:
        assert any(b.guide == guide for b in BLOCKS), f"{guide.name} has no python block"


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_guide_block_runs(block: Block):
    _SESSION.run_through(block)
