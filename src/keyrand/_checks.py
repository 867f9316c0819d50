"""Argument checks shared by every public function, with MLX's exception classes.

See docs/algorithms.md §7.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence

import numpy as np

from ._codes import MAX_STREAM_WORDS, MAX_WORDS

_INT32_MAX = 2**31 - 1
_INT64_MAX = 2**63 - 1
#: NumPy's largest array in bytes (``NPY_MAX_INTP``), zero-length dimensions left out.
_NUMPY_MAX_BYTES = int(np.iinfo(np.intp).max)


def as_index(value: object) -> int | None:
    """``value`` as an int if MLX's binding takes it where an int is expected, else None.

    That is anything with ``__index__``: Python ints and bools, NumPy integer
    scalars and 0-d integer arrays (NumPy bools and floats have none).
    """
    try:
        return operator.index(value)
    except TypeError:
        return None


def _is_sequence(shape: object) -> bool:
    # Python's sequence protocol (what MLX's binding iterates), text and mappings excluded.
    if isinstance(shape, (str, bytes, Mapping)):
        return False
    if isinstance(shape, np.ndarray):
        return shape.ndim == 1
    if isinstance(shape, Sequence):
        return True
    kind = type(shape)
    return hasattr(kind, "__getitem__") and hasattr(kind, "__len__") and getattr(
        shape, "ndim", 1) == 1


def check_shape(shape: object, fn: str, name: str = "shape") -> tuple[int, ...]:
    """Convert a shape argument: a sequence of ints, each in int32 range.

    Like MLX's argument conversion this runs before a global key is drawn;
    negative entries are refused later by :func:`check_nonnegative`. An entry
    may be anything with ``__index__`` (a NumPy integer, a 0-d integer array).

    Raises:
        TypeError: ``shape`` is not a sequence of ints (a bare int included),
            or an entry lies outside int64.
        OverflowError: an entry lies inside int64 but outside int32.
    """
    if not _is_sequence(shape):
        raise TypeError(f"[{fn}] {name} must be a sequence of ints, not {type(shape).__name__}.")
    dims = []
    for d in shape:
        v = as_index(d)
        if v is None:
            raise TypeError(f"[{fn}] {name} must contain ints, not {type(d).__name__}.")
        if not -_INT64_MAX - 1 <= v <= _INT64_MAX:
            raise TypeError(f"[{fn}] {name}: dimension {v} is not an int64.")
        if not -_INT32_MAX - 1 <= v <= _INT32_MAX:
            raise OverflowError(f"[{fn}] {name}: dimension {v} does not fit in int32.")
        dims.append(v)
    return tuple(dims)


def check_int(value: object, fn: str, name: str) -> int:
    """Convert an int argument (``num``, ``axis``, ``num_samples``) as MLX's binding does.

    Like :func:`check_shape` this runs before a global key is drawn. Anything
    with ``__index__`` counts as an int (a Python bool, a NumPy integer, a 0-d
    integer array).

    Raises:
        TypeError: ``value`` is not an int, or lies outside int32.
    """
    v = as_index(value)
    if v is None:
        raise TypeError(f"[{fn}] {name} must be an int, not {type(value).__name__}.")
    if not -_INT32_MAX - 1 <= v <= _INT32_MAX:
        raise TypeError(f"[{fn}] {name}: {v} does not fit in int32.")
    return v


def check_nonnegative(shape: tuple[int, ...], fn: str, name: str = "shape") -> None:
    """Refuse negative dimensions (MLX: "[bits] Negative dimensions not allowed.").

    Raises:
        ValueError: an entry is negative.
    """
    if any(d < 0 for d in shape):
        raise ValueError(f"[{fn}] {name}: negative dimensions not allowed, got {tuple(shape)}.")


def check_fits(shape: tuple[int, ...], dtype: np.dtype, fn: str) -> None:
    """Refuse an output NumPy cannot hold: an empty array of a huge shape.

    NumPy requires ``itemsize·Π(non-zero dimensions)`` to fit in ``intp``,
    even when a zero dimension makes the array empty; MLX has no such limit and
    returns, e.g., ``uniform(shape=(2**31 - 1, 2**31 - 1, 0))``. Non-empty
    outputs pass (:func:`check_words` refuses those that large). Samplers
    call this once the output's shape and dtype are known, after the global
    key is drawn (MLX's call succeeds, so it uses a key).

    Raises:
        ValueError: the array would exceed NumPy's size limit.
    """
    if 0 not in shape:
        return
    nbytes = np.dtype(dtype).itemsize
    for d in shape:
        nbytes *= d or 1
    if nbytes > _NUMPY_MAX_BYTES:
        raise ValueError(
            f"[{fn}] shape: MLX returns an empty {np.dtype(dtype)} array of shape "
            f"{tuple(shape)}, but NumPy cannot hold it: NumPy requires the item size times "
            f"the product of the non-zero dimensions ({nbytes} bytes) to be at most "
            f"{_NUMPY_MAX_BYTES}, even for an empty array.")


def check_words(num_words: int, fn: str) -> None:
    """Refuse draws past MLX's 32-bit counters in samplers that keep MLX's limit.

    ``categorical`` and ``multivariate_normal`` need all their words at once
    (a row's classes, a sample's dimensions), so they keep MLX's 2^32 words.

    Raises:
        ValueError: ``num_words`` exceeds 2^32.
    """
    if num_words > MAX_WORDS:
        raise ValueError(
            f"[{fn}] shape: the draw needs {num_words} 32-bit words, but {fn} covers at most "
            f"2**32 words per key (MLX's counter layout; MLX would silently wrap its counters "
            f"and repeat numbers). Split the key and draw in parts.")


def check_stream_words(num_words: int, fn: str) -> None:
    """Refuse draws longer than the 2^61 words keyrand defines for one key.

    Past 2^32 words the stream continues by JAX's rule (docs/algorithms.md §3.3).

    Raises:
        ValueError: ``num_words`` exceeds 2^61.
    """
    if num_words > MAX_STREAM_WORDS:
        raise ValueError(
            f"[{fn}] shape: the draw needs {num_words} 32-bit words, but one key covers at most "
            f"2**61 words. Split the key and draw in parts.")


#: The arguments whose shapes each sampler broadcasts, named in its broadcasting errors
#: (filled by :func:`keyrand._registry.sampler`).
BROADCAST_ARGS: dict[str, str] = {}


def broadcast_shapes(fn: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """Broadcast shapes as MLX does: right-aligned, a 1 stretches to the other size.

    Negative sizes are left for :func:`check_nonnegative` (MLX checks them
    later, in ``bits``), so ``(-1,)`` broadcasts with ``()`` or ``(1,)``.

    Raises:
        ValueError: the shapes cannot be broadcast.
    """
    out = [1] * max((len(s) for s in shapes), default=0)
    for s in shapes:
        for i, d in enumerate(s, len(out) - len(s)):
            if out[i] == 1:
                out[i] = d
            elif d not in (1, out[i]):
                listed = " and ".join(str(tuple(s)) for s in shapes)
                raise ValueError(f"[{fn}] {BROADCAST_ARGS.get(fn, 'shape')}: shapes {listed} "
                                 "cannot be broadcast.")
    return tuple(out)


def check_within(fn: str, shape: tuple[int, ...], *param_shapes: tuple[int, ...]) -> None:
    """Parameters may broadcast to ``shape`` but never enlarge it (uniform, randint, …).

    Raises:
        ValueError: the parameters do not broadcast to exactly ``shape``.
    """
    full = broadcast_shapes(fn, shape, *param_shapes)
    if full != tuple(shape):
        raise ValueError(f"[{fn}] {BROADCAST_ARGS.get(fn, 'shape')}: cannot generate random "
                         f"values of shape {tuple(shape)} from broadcasted shape {full}.")


def numpy_broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a NumPy binary operation on arrays of ``shapes``, or NumPy's own error.

    Some samplers combine their parameters with a NumPy operation before
    their shape checks, so a mismatch raises NumPy's ValueError; it is
    reproduced here on zero-stride stand-ins (nothing is allocated).
    """
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        z = [np.broadcast_to(np.zeros((), np.int8), s) for s in shapes]
        np.subtract(*z)  # raises NumPy's "operands could not be broadcast together" error
        raise
