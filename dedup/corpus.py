"""What crosses the map/reduce boundary: a shard's output, and the corpus gathered from all.

A worker turns a shard of articles into a :class:`ShardOutput` (typed tables and each
article's compressed paragraphs, no original text); :meth:`Corpus.gather` concatenates the
outputs in shard order. Every corpus-wide stage reads the :class:`Corpus`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from dedup.config import LoadConfig
from dedup.records import Document, InputWarning
from dedup.stages import boilerplate as bp
from dedup.stages import load, verify
from dedup.stages.normalize import fold_case
from dedup.tables import DocTable, ParTable

Progress = Callable[[int, int], None]
#: Articles whose original text the report keeps at hand while it builds findings.
TEXT_CACHE_SIZE = 1024


@dataclass
class ShardOutput:
    """What one worker sends back for one shard: arrays, and each article's normalized
    paragraphs compressed (no original text: findings read it again from the files)."""

    documents: list[Document]
    packed_norms: list[bytes]
    warnings: list[InputWarning]
    skipped: int
    pars: ParTable
    docs: DocTable
    within_pairs: np.ndarray  # int64[m, 2]: near paragraph pairs inside one article
    keys: bp.ParagraphKeys
    df_index: np.ndarray  # the word features the shard's articles hold...
    df_count: np.ndarray  # ...and in how many of them


@dataclass(frozen=True)
class Frequencies:
    """Document frequencies of the word features, and how many documents they count."""

    df: np.ndarray
    documents: int


@dataclass
class Corpus:
    """Everything the corpus-wide stages need, concatenated over shards."""

    documents: list[Document] = field(default_factory=list)
    load_config: LoadConfig = field(default_factory=LoadConfig)
    _texts: dict[int, Document] = field(default_factory=dict, repr=False)
    packed_norms: list[bytes] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    skipped: int = 0
    pars: ParTable = field(default_factory=ParTable.empty)
    docs: DocTable = field(default_factory=DocTable.empty)
    #: Each article's first paragraph (one more row: the number of paragraphs).
    first_par: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    within_pairs: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))
    keys: bp.ParagraphKeys | None = None
    df: np.ndarray = field(default_factory=lambda: np.zeros(verify.N_FEATURES, np.int64))
    #: The number of documents ``df`` counts (``None``: these documents). A check against an
    #: index weighs words by the whole indexed corpus, not by the few articles it compares.
    df_documents: int | None = None
    #: The first ``indexed`` documents are in the corpus already (a check's indexed
    #: articles): of copies, one of them is the one kept, whatever the dates say.
    indexed: int = 0
    _tfidf: verify.TfidfCosine | None = field(default=None, repr=False)

    @classmethod
    def gather(
        cls,
        outputs: Iterable[ShardOutput],
        on_progress: Progress | None,
        total: int,
        load_config: LoadConfig | None = None,
        frequencies: Frequencies | None = None,
    ) -> Corpus:
        """The corpus of ``outputs``, in order (``on_progress(done, total)`` after each).
        Its document frequencies are counted from the outputs, unless ``frequencies`` gives
        them (a check weighs words by the whole indexed corpus, not by the few articles it
        compares)."""
        corpus = cls(load_config=load_config or LoadConfig())
        if frequencies is not None:
            corpus.df, corpus.df_documents = frequencies.df, frequencies.documents
        pars: dict[str, list[np.ndarray]] = {name: [] for name in ParTable.names()}
        docs: dict[str, list[np.ndarray]] = {name: [] for name in DocTable.names()}
        within: list[np.ndarray] = []
        key_parts: list[bp.ParagraphKeys] = []
        done = par_base = 0
        for out in outputs:
            base = len(corpus.documents)
            corpus.documents.extend(out.documents)
            corpus.packed_norms.extend(out.packed_norms)
            corpus.warnings.extend(out.warnings)
            corpus.skipped += out.skipped
            for name in ParTable.names():
                pars[name].append(getattr(out.pars, name))
            pars["doc"][-1] = out.pars.doc + base
            for name in DocTable.names():
                docs[name].append(getattr(out.docs, name))
            within.append(out.within_pairs + par_base)
            par_base += len(out.pars)
            key_parts.append(out.keys)
            # df_index holds distinct features (np.flatnonzero), so a plain fancy-index add
            # does what np.add.at does, much faster.
            if frequencies is None:
                corpus.df[out.df_index] += out.df_count
            done += len(out.documents) + out.skipped
            if on_progress is not None:
                on_progress(done, total)
        if within:
            corpus.within_pairs = np.concatenate(within)
            corpus.pars, corpus.docs = ParTable.gathered(pars), DocTable.gathered(docs)
        corpus.first_par = np.searchsorted(corpus.pars.doc, np.arange(len(corpus.documents) + 1))
        if key_parts:
            corpus.keys = bp.ParagraphKeys(
                *(
                    np.concatenate([getattr(k, f) for k in key_parts])
                    for f in ("exact", "prefix", "suffix")
                )
            )
        return corpus

    def document(self, index: int) -> Document:
        """The document with its original text (read again from its file, then cached: a
        finding shows several places of one article)."""
        cached = self._texts.get(index)
        if cached is None:
            cached = load.read_again(self.documents[index], self.load_config)
            if len(self._texts) >= TEXT_CACHE_SIZE:
                self._texts.pop(next(iter(self._texts)))
            self._texts[index] = cached
        return cached

    def tfidf(self) -> verify.TfidfCosine:
        """TF-IDF weights from this corpus's document frequencies (computed once: the
        document and paragraph stages share them)."""
        if self._tfidf is None:
            n = len(self.documents) if self.df_documents is None else self.df_documents
            self._tfidf = verify.TfidfCosine().fit(self.df, n)
        return self._tfidf

    def forms(self, index: int) -> list[str]:
        """The document's paragraphs in their typographic form (normalized, case kept)."""
        first = int(self.first_par[index])
        count = int(self.first_par[index + 1]) - first
        return (
            zlib.decompress(self.packed_norms[index]).decode("utf-8").split("\n")[:count]
            if count
            else []
        )

    def norms(self, index: int) -> list[str]:
        """The document's normalized paragraphs, as the fingerprints saw them."""
        forms = self.forms(index)
        return fold_case("\n".join(forms)).split("\n") if forms else []
