"""Stage 8 over a corpus: which paragraphs are furniture (site boilerplate).

Built-in whole-line patterns (matched per shard) and templates learned per source
(:mod:`dedup.stages.boilerplate`), per paragraph of the corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dedup.config import ScanConfig
from dedup.corpus import Corpus
from dedup.stages import boilerplate as bp
from dedup.stages import fingerprint
from dedup.stages.patterns import load_patterns


@dataclass
class Boilerplate:
    """Per paragraph: the learned template (``template``) or built-in pattern (``pattern``)
    it matches, -1 for none; ``whole`` says the whole line is furniture."""

    template: np.ndarray
    pattern: np.ndarray
    whole: np.ndarray
    templates: list[bp.Template]


def boilerplate_stage(
    corpus: Corpus,
    config: ScanConfig,
    cluster_of: np.ndarray,
    learned: Callable[[list[str]], list[bp.Template]] | None = None,
) -> Boilerplate:
    """Built-in patterns and templates learned from ``corpus``, with ``cluster_of[d]`` the
    cluster of document ``d`` (the articles of one cluster count once when templates are
    learned); or, with ``learned``, the templates learned earlier for these sources (an
    index's), applied and not relearned. ``learned(names)`` returns them with ``source``
    an index into ``names``."""
    par_doc, title = corpus.pars.doc, corpus.pars.title
    names = sorted({d.source for d in corpus.documents})
    source_id = {name: i for i, name in enumerate(names)}
    doc_source = np.array([source_id[d.source] for d in corpus.documents], dtype=np.int64)
    body = (~title).astype(np.int64)
    ordinal = np.cumsum(body) - body  # body paragraphs before this one, corpus-wide
    first = np.searchsorted(par_doc, np.arange(len(corpus.documents)))
    before_doc = ordinal[np.minimum(first, par_doc.size - 1)] if par_doc.size else ordinal
    from_start = ordinal - before_doc[par_doc]
    body_count = np.bincount(par_doc, weights=body, minlength=len(corpus.documents))
    from_end = body_count[par_doc].astype(np.int64) - 1 - from_start
    lines = bp.TemplateLines(
        keys=corpus.keys or bp.paragraph_keys(fingerprint.word_hashes([])),
        source=doc_source[par_doc],
        tokens=corpus.pars.tokens,
        is_title=title,
        from_start=from_start,
        from_end=from_end,
    )
    if learned is None:
        template, templates = bp.learn_templates(lines, cluster_of[par_doc], config.boilerplate)
    else:
        templates = learned(names) if config.boilerplate.learn else []
        template = bp.apply_templates(lines, templates, config.boilerplate)
    pattern = corpus.pars.pattern.astype(np.int64)
    whole = (template >= 0) | pattern_furniture(pattern, config)
    return Boilerplate(template, pattern, whole, templates)


def pattern_furniture(pattern: np.ndarray, config: ScanConfig) -> np.ndarray:
    """Paragraphs that a built-in whole-line pattern marks as furniture (``pattern``: the
    pattern each matches, -1 for none; a prefix pattern, a dateline, leaves the rest of its
    line)."""
    patterns, _ = load_patterns(config.boilerplate.patterns)
    # One extra False at the end, so that index -1 (no pattern) reads as "not a prefix".
    prefix = np.array([p.prefix for p in patterns.patterns] + [False], dtype=bool)
    return (pattern >= 0) & ~prefix[pattern]
