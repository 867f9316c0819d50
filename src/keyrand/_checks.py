"""Argument checks shared by every public function, with MLX's exception classes (spec §9)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._threefry import MAX_WORDS

_INT32_MAX = 2**31 - 1


def check_shape(shape: object, fn: str, name: str = "shape") -> tuple[int, ...]:
    """Convert a shape argument: a sequence of ints, each in int32 range.

    Like MLX's argument conversion this runs before a global key is drawn;
    negative entries are refused later by :func:`check_nonnegative`.

    Raises:
        TypeError: ``shape`` is not a sequence of ints (a bare int included).
        OverflowError: an entry lies outside int32.
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (Sequence, np.ndarray)):
        raise TypeError(f"[{fn}] {name} must be a sequence of ints, not {type(shape).__name__}.")
    dims = []
    for d in shape:
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)):
            raise TypeError(f"[{fn}] {name} must contain ints, not {type(d).__name__}.")
        d = int(d)
        if not -_INT32_MAX - 1 <= d <= _INT32_MAX:
            raise OverflowError(f"[{fn}] {name}: dimension {d} does not fit in int32.")
        dims.append(d)
    return tuple(dims)


def check_nonnegative(shape: tuple[int, ...], fn: str, name: str = "shape") -> None:
    """Refuse negative dimensions (MLX: "[bits] Negative dimensions not allowed.").

    Raises:
        ValueError: an entry is negative.
    """
    if any(d < 0 for d in shape):
        raise ValueError(f"[{fn}] {name}: negative dimensions not allowed, got {tuple(shape)}.")


def check_words(num_words: int, fn: str) -> None:
    """Refuse draws that would wrap MLX's 32-bit counters (more than 2^32 words per key).

    Raises:
        ValueError: ``num_words`` exceeds 2^32.
    """
    if num_words > MAX_WORDS:
        raise ValueError(
            f"[{fn}] shape: the draw needs {num_words} 32-bit words, but one key covers at most "
            f"2**32 words in MLX's counter layout (MLX would silently wrap its counters and "
            f"repeat numbers). Split the key and draw in parts.")


def broadcast_shapes(fn: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy broadcasting with MLX's error.

    Raises:
        ValueError: the shapes cannot be broadcast.
    """
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        listed = " and ".join(str(tuple(s)) for s in shapes)
        raise ValueError(f"[{fn}] Shapes {listed} cannot be broadcast.") from None


def check_within(fn: str, shape: tuple[int, ...], *param_shapes: tuple[int, ...]) -> None:
    """Parameters may broadcast to ``shape`` but never enlarge it (uniform, randint, …).

    Raises:
        ValueError: the parameters do not broadcast to exactly ``shape``.
    """
    full = broadcast_shapes(fn, shape, *param_shapes)
    if full != tuple(shape):
        raise ValueError(f"[{fn}] Cannot generate random values of shape {tuple(shape)} "
                         f"from broadcasted shape {full}.")
