"""64-bit hash mixing, element-wise on numpy arrays: MurmurHash3's finalizers and the fold
of hash columns into one hash per position.

Shared by the fingerprints (:mod:`dedup.stages.fingerprint`), the verifier's material
(:mod:`dedup.stages.material`, :mod:`dedup.stages.csr`), the learned templates and the index's
posting keys. The compiled kernels (:mod:`dedup.stages._jit`) repeat these constants.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

U64 = np.uint64
U32 = np.uint32

#: Multiplier that folds word hashes into shingle hashes and rows into band keys.
FOLD = U64(0x9E3779B97F4A7C15)


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer (a bijection), element-wise on a uint64 array."""
    h = h ^ (h >> U64(33))
    h = h * U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> U64(33))
    h = h * U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> U64(33))


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before permuting."""
    h = h ^ (h >> U32(16))
    h = h * U32(0x85EBCA6B)
    h = h ^ (h >> U32(13))
    h = h * U32(0xC2B2AE35)
    return h ^ (h >> U32(16))


def fold(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Fold equal-length uint64 arrays into one hash per position (order matters)."""
    with np.errstate(over="ignore"):
        h = columns[0].astype(U64, copy=True)
        for col in columns[1:]:
            h = h * FOLD + col.astype(U64)
    return fmix64(h)
