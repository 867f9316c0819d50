"""Argument checks shared by every public function, with MLX's exception classes.

See docs/algorithms.md §7.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._codes import MAX_WORDS

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
        # A Python bool is an int to MLX's binding; NumPy's bool is not.
        if isinstance(d, np.bool_) or not isinstance(d, (int, np.integer)):
            raise TypeError(f"[{fn}] {name} must contain ints, not {type(d).__name__}.")
        d = int(d)
        if not -_INT32_MAX - 1 <= d <= _INT32_MAX:
            raise OverflowError(f"[{fn}] {name}: dimension {d} does not fit in int32.")
        dims.append(d)
    return tuple(dims)


def check_int(value: object, fn: str, name: str) -> int:
    """Convert an int argument (``num``, ``axis``, ``num_samples``) as MLX's binding does.

    Like :func:`check_shape` this runs before a global key is drawn. A Python
    bool counts as an int.

    Raises:
        TypeError: ``value`` is not an int, or lies outside int32.
    """
    if isinstance(value, np.bool_) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"[{fn}] {name} must be an int, not {type(value).__name__}.")
    value = int(value)
    if not -_INT32_MAX - 1 <= value <= _INT32_MAX:
        raise TypeError(f"[{fn}] {name}: {value} does not fit in int32.")
    return value


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


#: The arguments whose shapes each sampler broadcasts, named in its broadcasting errors.
_BROADCAST_ARGS = {
    "uniform": "shape, low, high",
    "randint": "shape, low, high",
    "truncated_normal": "shape, lower, upper",
    "normal": "shape, loc, scale",
    "bernoulli": "shape, p",
    "categorical": "shape, logits",
    "multivariate_normal": "shape, mean, cov",
}


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
                raise ValueError(f"[{fn}] {_BROADCAST_ARGS.get(fn, 'shape')}: shapes {listed} "
                                 "cannot be broadcast.")
    return tuple(out)


def check_within(fn: str, shape: tuple[int, ...], *param_shapes: tuple[int, ...]) -> None:
    """Parameters may broadcast to ``shape`` but never enlarge it (uniform, randint, …).

    Raises:
        ValueError: the parameters do not broadcast to exactly ``shape``.
    """
    full = broadcast_shapes(fn, shape, *param_shapes)
    if full != tuple(shape):
        raise ValueError(f"[{fn}] {_BROADCAST_ARGS.get(fn, 'shape')}: cannot generate random "
                         f"values of shape {tuple(shape)} from broadcasted shape {full}.")
