"""dedup: find repeated paragraphs, syndicated articles and boilerplate in news corpora.

The package is organised by the stages of the data flow::

    load -> normalize -> segment -> fingerprint -> candidates -> verify -> cluster
         -> boilerplate -> (clean) -> report

and :mod:`dedup.flow.pipeline` is where the stages meet. The core never prints, never exits and
never imports click or rich; :mod:`dedup.cli` is the only user interface.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
