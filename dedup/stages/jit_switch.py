"""The switch of the compiled kernels (:mod:`dedup.stages._jit`, numba): whether a stage
may use them, in the current context, and loading them.

The switch is a context variable (a value per thread or task, never shared), set for good by
a worker process's initializer (:func:`allow_jit`) or for a block (:func:`compiled`).
Loading is lazy: ``dedup --version`` and the CLI's start-up never import numba.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from types import ModuleType

#: Whether :func:`jit_kernels` may load the compiled kernels, in this context (a value per
#: thread or task, never shared: see :func:`compiled`).
_JIT_ALLOWED: ContextVar[bool] = ContextVar("dedup_jit_allowed", default=False)


def allow_jit(enabled: bool) -> None:
    """Allow (or forbid) the compiled kernels of :mod:`dedup.stages._jit` in the current
    context, for good (a worker process's initializer: the whole worker).

    Off by default: loading numba costs about a second of CPU per process, which pays only
    for a few thousand articles (the pipeline turns it on for large scans). ``DEDUP_JIT=0``
    in the environment keeps it off whatever is asked.
    """
    _JIT_ALLOWED.set(enabled and os.environ.get("DEDUP_JIT", "1") != "0")


@contextmanager
def compiled(enabled: bool) -> Iterator[None]:
    """The compiled kernels allowed (or not) while the block runs, as :func:`allow_jit`
    says; the context is as it was afterwards."""
    token = _JIT_ALLOWED.set(enabled and os.environ.get("DEDUP_JIT", "1") != "0")
    try:
        yield
    finally:
        _JIT_ALLOWED.reset(token)


def jit_kernels() -> ModuleType | None:
    """The compiled kernels, or None when they are off or numba is not installed (the
    numpy code then computes the same arrays, only slower)."""
    return _load_jit() if _JIT_ALLOWED.get() else None


def load_kernels() -> ModuleType | None:
    """The compiled kernels whatever :func:`compiled` says (a stage that knows it has work
    enough for them asks), or None when numba is missing or ``DEDUP_JIT=0``."""
    return _load_jit() if os.environ.get("DEDUP_JIT", "1") != "0" else None


@lru_cache(maxsize=1)
def _load_jit() -> ModuleType | None:
    try:
        from dedup.stages import _jit
    except ImportError:  # numba is not installed
        return None
    except Exception:  # numba cannot work here (no writable cache, unsupported platform)
        return None
    return _jit
