"""Stage 8, boilerplate: site furniture, from built-in patterns and from the corpus itself.

Two sources of evidence, both per paragraph (one line of extracted text, as a rule):

- **Built-in patterns** (``dedup/data/patterns/<lang>.txt``, see :mod:`dedup.stages.patterns`):
  comment prompts, "Lire aussi", share buttons, newsletter calls, photo credits,
  "Publié le … Mis à jour le …", © lines, and the like, in French and English. A *prefix*
  pattern (a dateline glued to the first paragraph) marks only the start of its line.
- **Learned templates**: lines that repeat across the articles of one source (outlet). A line
  yields up to three keys: its words with every number masked, its first three words, its last
  three words (the last two only for short lines, so "Pour en savoir plus sur …, consultez X"
  is one template whatever fills it). Keys remember *where* they occur (the first or last
  ``edge_lines`` lines of an article, or anywhere for whole-line keys), and a key is a
  template when it occurs in at least ``min_docs`` distinct articles of the source and in at
  least ``min_fraction`` of them. Articles of one duplicate cluster count once, so a
  syndicated story published twice by one outlet does not teach its own lines as furniture.

A line is never boilerplate when it is long (``max_tokens``: site furniture is short) or when
it is the article's title; a quote that two outlets both carry is never learned, since
learning is per source (boilerplate is *site* furniture).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from dedup.config import BoilerplateConfig
from dedup.stages.candidates import sorted_unique
from dedup.stages.fingerprint import Words, sequence_keys
from dedup.stages.hashmix import fold

#: The tokenizer's notion of a word (see :mod:`dedup.stages.fingerprint`), for display.
WORD = re.compile(r"[0-9A-Za-z\u0080-\U0010ffff]+")

KEY_EXACT, KEY_PREFIX, KEY_SUFFIX = 1, 2, 3
KEY_NAMES = {KEY_EXACT: "line", KEY_PREFIX: "prefix", KEY_SUFFIX: "suffix"}
POS_ANY, POS_HEAD, POS_TAIL = 0, 1, 2
#: Prefix and suffix templates only for lines up to this many words.
TEMPLATE_MAX_TOKENS = 15
TEMPLATE_WORDS = 3


@dataclass(frozen=True, slots=True)
class ParagraphKeys:
    """Per-paragraph template keys (0 = none), computed in the workers."""

    exact: np.ndarray  # uint64, the word sequence, numbers masked
    prefix: np.ndarray  # uint64
    suffix: np.ndarray  # uint64


def paragraph_keys(words: Words) -> ParagraphKeys:
    """Template keys of every paragraph of a batch: its word sequence with every number
    masked, and its first and last :data:`TEMPLATE_WORDS` words."""
    masked = np.where(words.numeric, np.uint64(0x5A5A5A5A5A5A5A5A), words.hashes)
    exact = sequence_keys(words, masked)
    counts = words.counts
    first = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    eligible = (counts > TEMPLATE_WORDS) & (counts <= TEMPLATE_MAX_TOKENS)
    prefix = np.zeros(counts.size, dtype=np.uint64)
    suffix = np.zeros(counts.size, dtype=np.uint64)
    idx = np.flatnonzero(eligible)
    if idx.size:
        w = words.hashes
        start, end = first[idx], first[idx] + counts[idx]
        prefix[idx] = fold([w[start + k] for k in range(TEMPLATE_WORDS)]) | np.uint64(1)
        suffix[idx] = fold([w[end - TEMPLATE_WORDS + k] for k in range(TEMPLATE_WORDS)]) | (
            np.uint64(1)
        )
    return ParagraphKeys(exact, prefix, suffix)


@dataclass(frozen=True, slots=True)
class Template:
    """A learned template: where it applies and how it was keyed."""

    source: int
    key_type: int
    position: int
    key: int  # the paragraph key of ``key_type`` (before it is combined with the source)
    documents: int  # distinct articles (clusters) of the source it occurs in

    @property
    def rule(self) -> str:
        where = {POS_ANY: "", POS_HEAD: "@head", POS_TAIL: "@tail"}[self.position]
        return f"learned/{KEY_NAMES[self.key_type]}{where}"


@dataclass(frozen=True, slots=True)
class TemplateLines:
    """The paragraphs of a corpus as templates are learned from them and applied to them."""

    keys: ParagraphKeys
    source: np.ndarray  # int64, source id of each paragraph's article
    tokens: np.ndarray  # words per paragraph
    is_title: np.ndarray  # bool, the paragraph is its article's title
    from_start: np.ndarray  # 0-based position among its article's body paragraphs...
    from_end: np.ndarray  # ...and from the end


def learn_templates(
    lines: TemplateLines, cluster: np.ndarray, config: BoilerplateConfig
) -> tuple[np.ndarray, list[Template]]:
    """Learn templates per source and return, for each paragraph, the index of the template
    it matches (-1 for none) and the templates.

    Args:
        lines: the paragraphs, their keys and positions.
        cluster: duplicate-cluster id of each paragraph's article (its own index if unique).
        config: thresholds.
    """
    n = lines.tokens.size
    match = np.full(n, -1, dtype=np.int64)
    if not config.learn or n == 0:
        return match, []
    source = lines.source
    needed = _needed_docs(source, cluster, config)
    templates: list[Template] = []
    for para, key_type, pos, values in _emitted(lines, config):
        if para.size == 0:
            continue
        combined = fold(
            [
                values[para],
                source[para].astype(np.uint64),
                np.full(para.size, key_type * 4 + pos, dtype=np.uint64),
            ]
        )
        for emitting, count in _qualifying(combined, cluster[para], source[para], needed):
            members = para[emitting]
            free = members[match[members] < 0]
            if free.size == 0:
                continue
            match[free] = len(templates)
            templates.append(
                Template(int(source[members[0]]), key_type, pos, int(values[members[0]]), count)
            )
    return match, templates


def _needed_docs(source: np.ndarray, cluster: np.ndarray, config: BoilerplateConfig) -> np.ndarray:
    """Per source: the distinct articles a key must occur in to be a template, its sources'
    articles counted in distinct clusters."""
    n_sources = int(source.max()) + 1
    width = int(cluster.max()) + 1
    # Distinct (source, cluster) pairs, packed into one integer each.
    pairs = sorted_unique(source.astype(np.int64) * width + cluster)
    source_docs = np.bincount(pairs // width, minlength=n_sources)
    return np.maximum(config.min_docs, np.ceil(config.min_fraction * source_docs - 1e-9))


def _qualifying(
    combined: np.ndarray, member: np.ndarray, source: np.ndarray, needed: np.ndarray
) -> list[tuple[np.ndarray, int]]:
    """The keys (``combined``: one per emitting paragraph, of ``source`` and in cluster
    ``member``) that occur in at least ``needed[source]`` distinct clusters, in key order:
    the positions of the paragraphs that emit each, and its clusters."""
    # Distinct clusters per key: sort by (key, cluster), keep the first of each pair.
    by_pair = np.lexsort((member, combined))
    k, c = combined[by_pair], member[by_pair]
    first_of_pair = np.concatenate(([True], (k[1:] != k[:-1]) | (c[1:] != c[:-1])))
    distinct = k[first_of_pair]
    starts = np.flatnonzero(np.concatenate(([True], distinct[1:] != distinct[:-1])))
    keys_u = distinct[starts]
    counts = np.diff(np.append(starts, distinct.size))
    order = np.argsort(combined, kind="stable")
    sorted_keys = combined[order]
    first = np.searchsorted(sorted_keys, keys_u, "left")
    key_source = source[order[first]]
    out = []
    for q in np.flatnonzero(counts >= needed[key_source]).tolist():
        lo = int(first[q])
        hi = int(np.searchsorted(sorted_keys, keys_u[q], "right"))
        out.append((order[lo:hi], int(counts[q])))
    return out


def _emitted(
    lines: TemplateLines, config: BoilerplateConfig
) -> list[tuple[np.ndarray, int, int, np.ndarray]]:
    """The keys a paragraph offers, in the order templates take precedence: (paragraphs,
    key type, position, key of every paragraph)."""
    keys = lines.keys
    usable = (lines.tokens >= 1) & (lines.tokens <= config.max_tokens) & ~lines.is_title
    head = usable & (lines.from_start < config.edge_lines)
    tail = usable & (lines.from_end < config.edge_lines)
    emitted: list[tuple[np.ndarray, int, int, np.ndarray]] = [
        (np.flatnonzero(usable & (keys.exact != 0)), KEY_EXACT, POS_ANY, keys.exact),
    ]
    for where, pos in ((head, POS_HEAD), (tail, POS_TAIL)):
        for key_type, values in ((KEY_PREFIX, keys.prefix), (KEY_SUFFIX, keys.suffix)):
            emitted.append((np.flatnonzero(where & (values != 0)), key_type, pos, values))
    return emitted


def apply_templates(
    lines: TemplateLines, templates: list[Template], config: BoilerplateConfig
) -> np.ndarray:
    """Match paragraphs against templates learned earlier (from an index): for each
    paragraph, the index of the template it matches, -1 for none. Where several match, the
    first in ``templates`` wins, as in :func:`learn_templates` (whose order it keeps)."""
    match = np.full(lines.tokens.size, -1, dtype=np.int64)
    if not templates or lines.tokens.size == 0:
        return match
    lookup: dict[tuple[int, int, int, int], int] = {}
    for i, t in enumerate(templates):
        lookup.setdefault((t.source, t.key_type, t.position, t.key), i)
    source = lines.source
    for para, key_type, pos, values in _emitted(lines, config):
        for p, value, src in zip(
            para.tolist(), values[para].tolist(), source[para].tolist(), strict=True
        ):
            hit = lookup.get((src, key_type, pos, value))
            if hit is not None and (match[p] < 0 or hit < match[p]):
                match[p] = hit
    return match


def template_text(norm: str, key_type: int) -> str:
    """How a template is shown: the line, or its first/last words with an ellipsis.

    >>> template_text("pour en savoir plus sur x, consultez y.", KEY_PREFIX)
    'pour en savoir …'
    """
    words = WORD.findall(norm)
    if key_type == KEY_PREFIX:
        return " ".join(words[:TEMPLATE_WORDS]) + " …"
    if key_type == KEY_SUFFIX:
        return "… " + " ".join(words[-TEMPLATE_WORDS:])
    return norm
