"""Numba's disk cache for keyrand's kernels, keyed on the source of every kernel module.

Numba files a cached kernel under the module that defines it and checks it
against that one file's contents. keyrand's kernels are defined in
:mod:`keyrand._cpu` but inline the functions of ``_transforms``, ``_mathf32``,
``_mathf64`` and ``_threefry`` and read the constants of ``_codes``, so with
Numba's own keying an edit to any of those would keep running the old kernels.

Importing this module puts :class:`KernelCacheLocator` first in Numba's list of
cache locators. It answers only for functions defined in keyrand's own folder
and keeps all of their cache entries in one folder named by a fingerprint: the
SHA-256 of the Numba and llvmlite versions and of the contents of every kernel
module (:func:`kernel_modules`). Any edit to a kernel module therefore starts
an empty folder, while switching back to an earlier source finds its kernels
again. Numba itself keys each entry on the CPU name and features, the Python
version and the function's bytecode and closure constants, so those need no
place in the fingerprint.

The fingerprint folder lies in ``NUMBA_CACHE_DIR`` when that is set, else in
the package's ``__pycache__`` when it is writable, else in Numba's user-wide
cache folder (read-only installs). Beside it, folders of older fingerprints
are kept up to :data:`KEEP` and the least recently used removed.

Every module that defines ``@njit(cache=True)`` code imports this module before
its first definition.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import llvmlite
import numba
from numba.core import caching, config
from numba.misc.appdirs import AppDirs

#: Folders of other fingerprints kept beside the current one (e.g. other branches).
KEEP = 3
_PREFIX = "numba-"
_PACKAGE = Path(__file__).resolve().parent


def kernel_modules(package: Path = _PACKAGE) -> list[Path]:
    """The package's modules that compiled kernels can depend on, sorted by name.

    These are the modules that import Numba or llvmlite, and the package modules
    that those import at module level, transitively: the only names Numba code
    can reach are module globals, and Numba compiles their values in.
    """
    sources = {p.stem: p.read_bytes() for p in package.glob("*.py")}
    imports = {name: _module_level_imports(text, package.name)
               for name, text in sources.items() if b"numba" in text or b"llvmlite" in text}
    todo = [name for name, (outside, _) in imports.items() if outside & {"numba", "llvmlite"}]
    found: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            if name not in imports:
                imports[name] = _module_level_imports(sources[name], package.name)
            todo.extend(imports[name][1] & sources.keys())
    return [package / f"{name}.py" for name in sorted(found)]


def _module_level_imports(source: bytes, package: str) -> tuple[set[str], set[str]]:
    # (top-level names of other packages, names of this package's modules) imported outside
    # function bodies.
    outside: set[str] = set()
    inside: set[str] = set()
    nodes = list(ast.parse(source).body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top, _, rest = alias.name.partition(".")
                if top == package:
                    inside.add(rest.partition(".")[0])
                else:
                    outside.add(top)
        elif isinstance(node, ast.ImportFrom):
            top, _, rest = (node.module or "").partition(".")
            if node.level == 0 and top != package:
                outside.add(top)
                continue
            if node.level == 1:  # from .mod import x / from . import mod
                rest = node.module or ""
            elif node.level > 1:  # outside the package
                continue
            if rest:
                inside.add(rest.partition(".")[0])
            else:
                inside.update(alias.name for alias in node.names)
        else:  # statements nested in if/try/with/class blocks run at import too
            nodes.extend(child for child in ast.iter_child_nodes(node)
                         if isinstance(child, ast.stmt | ast.excepthandler))
    return outside, inside


def fingerprint(package: Path = _PACKAGE) -> str:
    """SHA-256 (hex, 16 digits) of the Numba and llvmlite versions and the kernel modules."""
    digest = hashlib.sha256(f"numba {numba.__version__} llvmlite {llvmlite.__version__}".encode())
    for path in kernel_modules(package):
        digest.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _writable_folder(stamp: str) -> Path | None:
    # The first candidate root in which the fingerprint folder can be made and written to.
    subpath = caching._CacheLocator.get_suitable_cache_subpath(str(_PACKAGE / "__init__.py"))
    roots = [_PACKAGE / "__pycache__",
             Path(AppDirs(appname="numba", appauthor=False).user_cache_dir, subpath)]
    if config.CACHE_DIR:
        roots.insert(0, Path(config.CACHE_DIR, subpath))
    for root in roots:
        folder = root / (_PREFIX + stamp)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=folder).close()
            os.utime(folder)
        except OSError:
            continue
        _prune(root, folder)
        return folder
    return None


def _prune(root: Path, current: Path) -> None:
    # Remove all but the KEEP most recently used folders of other fingerprints. A process still
    # running an older source then finds its entries gone and compiles again; Numba makes the
    # folder anew before each save.
    try:
        others = [p for p in root.iterdir() if p.name.startswith(_PREFIX) and p != current]
        others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in others[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)


class KernelCacheLocator(caching._CacheLocator):
    """Numba cache locator for functions defined in keyrand's modules: the fingerprint folder."""

    #: Where keyrand's entries go (None: nowhere writable, Numba's own locators then decide).
    folder: Path | None = None
    #: The fingerprint, also every entry's source stamp (the folder already encodes it).
    stamp = ""

    def __init__(self, py_func, py_file: str):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno

    def get_cache_path(self) -> str:
        """The fingerprint folder."""
        return str(self.folder)

    def get_source_stamp(self) -> str:
        """The fingerprint: the entries in a folder are fresh by construction."""
        return self.stamp

    def get_disambiguator(self) -> str:
        """The function's first line number, as Numba's own locators use."""
        return str(self._lineno)

    @classmethod
    def from_function(cls, py_func, py_file: str) -> KernelCacheLocator | None:
        """A locator for a function of a file in keyrand's folder, else None (not ours)."""
        if cls.folder is None or Path(py_file).resolve().parent != _PACKAGE:
            return None
        return cls(py_func, py_file)


def _install() -> None:
    KernelCacheLocator.stamp = fingerprint()
    KernelCacheLocator.folder = _writable_folder(KernelCacheLocator.stamp)
    # The list Numba's function and library caches share (defined on their common base class).
    locators = caching.FunctionCache._impl_class._locator_classes
    if KernelCacheLocator not in locators:
        locators.insert(0, KernelCacheLocator)


_install()
