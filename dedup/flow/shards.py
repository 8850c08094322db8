"""The map: one shard of inputs -> :class:`~dedup.corpus.ShardOutput` (runs in a worker).

Load, segment, normalize and fingerprint each article; match the built-in patterns; count
document frequencies. What comes back is typed tables and compressed paragraphs, never the
original text (findings read it again from the files).
"""

from __future__ import annotations

import zlib
from dataclasses import replace

import numpy as np

from dedup.config import ScanConfig
from dedup.corpus import ShardOutput
from dedup.io import inputs
from dedup.records import Document, InputWarning, Segment
from dedup.stages import boilerplate as bp
from dedup.stages import fingerprint, load, verify
from dedup.stages import stock as stock_phrases
from dedup.stages.normalize import fold_case
from dedup.stages.patterns import load_patterns
from dedup.stages.segment import normalized_paragraphs
from dedup.stages.stock import StockShingles
from dedup.tables import DocTable, ParTable

#: Prefix patterns (datelines) are tried on this many paragraphs at the start of an article.
PREFIX_PARAGRAPHS = 2


def process_shard(
    shard: inputs.Shard, config: ScanConfig, stock: StockShingles | None = None
) -> ShardOutput:
    """Load, segment, normalize and fingerprint one shard (runs in a worker)."""
    result = load.read_shard(shard, config.load)
    docs, segs = _segmented(result, config)
    out = fingerprint_documents(docs, segs, config, stock)
    return replace(out, warnings=result.warnings, skipped=result.skipped)


def sample_shard(shard: inputs.Shard, config: ScanConfig) -> np.ndarray:
    """The distinct shingles of each article of one (sample) shard, concatenated: what the
    count of stock phrases needs (runs in a worker; warnings are the scan's to give)."""
    _, segs = _segmented(load.read_shard(shard, config.load), config)
    _, batch = _batch(segs)
    if not batch.norms:
        return stock_phrases.article_shingles(np.zeros(0, np.uint64), np.zeros(0, np.int64))
    words = fingerprint.word_hashes(batch.norms)
    sh = fingerprint.shingles(words, config.minhash.ngram_size)
    return stock_phrases.article_shingles(sh.hashes, batch.doc[sh.paragraph])


def _batch(segs: list[list[Segment]]) -> tuple[list[str], fingerprint.Batch]:
    """The paragraphs of ``segs`` (``segs[i]``: those of article ``i``) in their typographic
    form (case kept, packed for the verifier), and the batch the fingerprints read: the same
    folded to what is compared, with the article and title flag of each."""
    counts = np.array([len(s) for s in segs], dtype=np.int64)
    flat = [s for ss in segs for s in ss]
    forms = [s.text for s in flat]
    norms = fold_case("\n".join(forms)).split("\n") if forms else []
    par_doc = np.repeat(np.arange(len(segs), dtype=np.int64), counts)
    par_title = np.array([s.is_title for s in flat], dtype=bool)
    return forms, fingerprint.Batch(norms, par_doc, par_title, len(segs))


def _segmented(
    result: load.ShardResult, config: ScanConfig
) -> tuple[list[Document], list[list[Segment]]]:
    """The documents read and their normalized paragraphs. One article that the text stages
    cannot take must not stop the run: it is skipped with a warning naming it."""
    docs: list[Document] = []
    segs: list[list[Segment]] = []
    for doc in result.documents:
        try:
            segs.append(normalized_paragraphs(doc, config.load.segment))
        except Exception as exc:  # reported, never silent
            line = doc.first_line if doc.format == "jsonl" else None
            result.warnings.append(
                InputWarning(doc.path, line, f"cannot segment: {type(exc).__name__}, skipped")
            )
            result.skipped += 1
            continue
        docs.append(doc)
    return docs, segs


def fingerprint_documents(
    docs: list[Document],
    segs: list[list[Segment]],
    config: ScanConfig,
    stock: StockShingles | None = None,
) -> ShardOutput:
    """Fingerprint documents already segmented into normalized paragraphs (``segs[i]`` are
    the paragraphs of ``docs[i]``): what a worker does after reading, and what an index does
    with the paragraphs it stored (``stock``: the stock phrases of the scan or index)."""
    counts = np.array([len(s) for s in segs], dtype=np.int64)
    flat = [s for ss in segs for s in ss]
    forms, batch = _batch(segs)
    norms, par_doc, par_title = batch.norms, batch.doc, batch.title
    fp = fingerprint.fingerprint_paragraphs(batch, config.minhash, stock)
    patterns, index = load_patterns(config.boilerplate.patterns)
    pattern = np.full(len(flat), -1, dtype=np.int32)
    # Datelines (prefix templates) are glued to the start of an article: only its first
    # PREFIX_PARAGRAPHS paragraphs are tried against them.
    ordinal = np.arange(len(flat)) - np.repeat(np.cumsum(counts) - counts, counts)
    for i, text in enumerate(norms):
        match = patterns.match(text, prefixes=ordinal[i] < PREFIX_PARAGRAPHS) if text else None
        if match is not None:
            pattern[i] = index[match.pattern]
    df = verify.document_frequencies(fp.words.hashes, par_doc[fp.words.paragraph])
    df_index = np.flatnonzero(df).astype(np.int32)
    return ShardOutput(
        # Text goes back only for standard input, which cannot be read twice.
        documents=[d if d.from_stdin else replace(d, text="") for d in docs],
        packed_norms=_pack_norms(forms, counts),
        warnings=[],
        skipped=0,
        pars=ParTable(
            doc=par_doc,
            start=np.array([s.start for s in flat], dtype=np.int32),
            end=np.array([s.end for s in flat], dtype=np.int32),
            title=par_title,
            tokens=fp.words.counts,
            hash=fp.par_hash,
            bands=fp.par_bands,
            pattern=pattern,
        ),
        docs=DocTable(
            bands=fp.doc_bands,
            hash=fp.doc_hash,
            tokens=fp.doc_tokens,
            shingles=fp.doc_shingles,
            signature=fp.doc_sig,
        ),
        within_pairs=fp.within_pairs,
        keys=bp.paragraph_keys(fp.words),
        df_index=df_index,
        df_count=df[df_index].astype(np.int32),
    )


def _pack_norms(norms: list[str], counts: np.ndarray) -> list[bytes]:
    """Each document's normalized paragraphs, one per line, compressed."""
    out, start = [], 0
    for count in counts.tolist():
        out.append(zlib.compress("\n".join(norms[start : start + count]).encode("utf-8"), 1))
        start += count
    return out
