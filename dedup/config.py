"""Configuration: one frozen :class:`ScanConfig` built by the CLI and passed to every stage.

Every field has a documented default (see README, "Options"). Values may also come from
``[tool.dedup]`` in ``pyproject.toml``; :func:`read_pyproject` returns that table with the
option names as the CLI spells them, and the CLI turns it into click defaults, so a value in
the file behaves exactly like an option default and an option on the command line wins.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

#: Bumped whenever normalization or tokenization changes in a way that changes fingerprints.
NORMALIZATION_VERSION = 1
#: Where ``dedup index`` and ``dedup check`` keep the index unless told otherwise.
DEFAULT_INDEX = os.path.join(".dedup", "index.sqlite")
#: The accepted findings that ``scan`` and ``check`` read when it exists.
DEFAULT_BASELINE = ".dedup-baseline.jsonl"


def _check_unit(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ConfigError(name, value, "must be between 0.0 and 1.0")


def _check_positive(name: str, value: int) -> None:
    if value < 1:
        raise ConfigError(name, value, "must be a positive integer")


@dataclass(frozen=True, slots=True)
class LoadConfig:
    """How inputs are read.

    Attributes:
        id_field, text_field, title_field, url_field, source_field, date_field: JSON Lines
            field names.
        segment: ``line`` (each non-blank line is a paragraph), ``block`` (paragraphs are
            separated by blank lines) or ``auto`` (``block`` for Markdown, ``line`` otherwise:
            text extracted from news pages has one paragraph per line).
        strict: turn per-input warnings (undecodable file, malformed record) into errors.
        max_input_bytes: a file (``.txt``, ``.md``) or a JSON Lines record larger than this is
            skipped with a warning: an input is read whole, and a mistaken path (a disk image,
            a database dump) should not take the memory of the run.
    """

    id_field: str = "id"
    text_field: str = "text"
    title_field: str = "title"
    url_field: str = "url"
    source_field: str = "source"
    date_field: str = "date"
    segment: str = "auto"
    strict: bool = False
    max_input_bytes: int = 256 << 20

    def __post_init__(self) -> None:
        _check_positive("max_input_bytes", self.max_input_bytes)
        if self.segment not in ("auto", "line", "block"):
            raise ConfigError("segment", self.segment, "must be one of auto, line, block")


@dataclass(frozen=True, slots=True)
class MinHashConfig:
    """MinHash and LSH parameters, in datasketch's vocabulary.

    Attributes:
        ngram_size: words per shingle.
        num_perm: permutations per signature (datasketch ``num_perm``).
        seed: permutation seed (datasketch ``seed``); signatures are comparable only between
            runs with the same seed, ``num_perm`` and ``ngram_size``.
        doc_threshold: LSH threshold for document candidates. Low on purpose: wire rewrites
            share only ~30 % of word 3-grams, and every candidate is verified afterwards.
        paragraph_threshold: LSH threshold for paragraph candidates.
        max_bucket: an LSH bucket with more members than this emits star edges around its
            smallest members instead of all pairs, so a huge bucket cannot explode the pairs.
        within_threshold: paragraphs of one article are candidates when their signatures
            estimate a Jaccard at least this high (every pair inside an article is compared,
            so reworded repeats are found below the corpus-wide threshold).
        within_min_tokens: ...for paragraphs of at least this many words.
    """

    ngram_size: int = 3
    num_perm: int = 128
    seed: int = 1
    doc_threshold: float = 0.2
    paragraph_threshold: float = 0.4
    max_bucket: int = 50
    within_threshold: float = 0.15
    within_min_tokens: int = 8

    def __post_init__(self) -> None:
        _check_unit("within_threshold", self.within_threshold)
        _check_positive("within_min_tokens", self.within_min_tokens)
        _check_positive("ngram_size", self.ngram_size)
        _check_positive("num_perm", self.num_perm)
        _check_positive("max_bucket", self.max_bucket)
        _check_unit("doc_threshold", self.doc_threshold)
        _check_unit("paragraph_threshold", self.paragraph_threshold)
        if self.doc_threshold == 0.0 or self.paragraph_threshold == 0.0:
            raise ConfigError("threshold", 0.0, "an LSH threshold must be above 0.0")


@dataclass(frozen=True, slots=True)
class VerifyConfig:
    """When a candidate pair is a duplicate.

    Documents: the verifier (:mod:`dedup.stages.verifier`) weighs the evidence of copying (shared
    passages, agreeing facts, titles; :mod:`dedup.stages.evidence`) into a probability; a pair is a
    copy when it reaches ``copy_probability`` (None: the model's own threshold). ``verifier``
    is a model file fitted with ``dedup eval --fit-verifier`` ("": the built-in model).

    Paragraphs:
        - ``jaccard >= paragraph_jaccard``;
        - ``cosine >= paragraph_cosine`` and ``jaccard >= paragraph_rewrite_jaccard``.
    """

    copy_probability: float | None = None
    verifier: str = ""
    paragraph_jaccard: float = 0.5
    paragraph_cosine: float = 0.5
    paragraph_rewrite_jaccard: float = 0.0
    min_paragraph_tokens: int = 8
    min_exact_paragraph_tokens: int = 3

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None or isinstance(value, str):
                continue
            if isinstance(value, float):
                _check_unit(f.name, value)
            else:
                _check_positive(f.name, value)


@dataclass(frozen=True, slots=True)
class BoilerplateConfig:
    """Boilerplate detection.

    Attributes:
        patterns: built-in pattern lists to apply (``dedup/data/patterns/<lang>.txt``).
        learn: learn site templates from lines repeated across articles of one source.
        min_docs: a template is learned when it occurs in at least this many distinct articles
            (duplicate clusters count once) of one source...
        min_fraction: ...and in at least this fraction of that source's articles.
        max_tokens: lines longer than this are never boilerplate (site furniture is short;
            a long line repeated across articles is a shared quote or a copy).
        edge_lines: how many lines from each end of an article count as its head or tail:
            learned templates remember where they occur, and match there only.
    """

    patterns: tuple[str, ...] = ("fr", "en")
    learn: bool = True
    min_docs: int = 3
    min_fraction: float = 0.2
    max_tokens: int = 25
    edge_lines: int = 5

    def __post_init__(self) -> None:
        _check_positive("min_docs", self.min_docs)
        _check_positive("max_tokens", self.max_tokens)
        _check_positive("edge_lines", self.edge_lines)
        _check_unit("min_fraction", self.min_fraction)


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything a scan needs. Built once by the CLI (or by a library caller)."""

    load: LoadConfig = field(default_factory=LoadConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    #: worker processes for the per-article stages; 0 means one per CPU core.
    workers: int = 0
    #: articles per batch handed to a worker.
    batch_size: int = 512
    #: sources whose copy is kept first (after the earliest date), e.g. wire agencies.
    prefer_sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise ConfigError("workers", self.workers, "must be 0 (one per core) or more")
        _check_positive("batch_size", self.batch_size)

    @property
    def effective_workers(self) -> int:
        return self.workers or (os.cpu_count() or 1)

    def to_dict(self) -> dict[str, Any]:
        """The parameters that decide the findings (reported in JSON output)."""
        return {
            "minhash": dataclasses.asdict(self.minhash),
            "verify": dataclasses.asdict(self.verify),
            "boilerplate": {
                **dataclasses.asdict(self.boilerplate),
                "patterns": list(self.boilerplate.patterns),
            },
            "segment": self.load.segment,
            "normalization_version": NORMALIZATION_VERSION,
        }


def find_pyproject(start: Path) -> Path | None:
    """Return the nearest ``pyproject.toml`` at or above ``start`` that has ``[tool.dedup]``."""
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if "dedup" in data.get("tool", {}):
                return candidate
        if (directory / ".git").exists():
            break
    return None


def read_pyproject(path: Path) -> dict[str, Any]:
    """Read ``[tool.dedup]`` from ``path``; keys use the CLI's spelling (``ngram-size``).

    Raises:
        ConfigError: the file cannot be parsed or the table is not a table.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("config", str(path), f"cannot read: {exc}") from None
    table = data.get("tool", {}).get("dedup", {})
    if not isinstance(table, Mapping):
        raise ConfigError("tool.dedup", table, "must be a table")
    return {str(k).replace("_", "-"): v for k, v in table.items()}
