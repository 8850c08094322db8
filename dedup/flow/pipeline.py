"""Where the stages meet: ``scan(paths, config=...) -> ScanResult``.

The per-article stages run as a map over shards (:mod:`dedup.flow.shards`, run by
:mod:`dedup.flow.executor`); what comes back is typed tables (:mod:`dedup.tables`),
gathered into one :class:`~dedup.corpus.Corpus`. The corpus-wide stages then run once, in
this order (:func:`analyse`):

    documents    candidates -> verify -> cluster, without furniture  (stages.documents)
    boilerplate  patterns and templates learned with the clusters     (stages.furniture)
    paragraphs   candidates -> verify -> cluster                      (stages.paragraphs)
    report       findings with locations and excerpts                 (output.findings)

Each stage is timed under its name in ``ScanReport.timings``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from dedup.config import ScanConfig
from dedup.corpus import Corpus, Progress
from dedup.flow.executor import sampled_map, thread_map, total_articles
from dedup.io import inputs
from dedup.output.findings import (
    CorpusTexts,
    boilerplate_findings,
    document_findings,
    paragraph_finding,
)
from dedup.output.report import DOCUMENT_KINDS, Finding, ScanReport
from dedup.records import InputWarning
from dedup.stages import boilerplate as bp
from dedup.stages import jit_switch, load
from dedup.stages.documents import DocumentClusters, document_clusters
from dedup.stages.furniture import Boilerplate, boilerplate_stage
from dedup.stages.paragraphs import paragraph_repeats
from dedup.stages.patterns import load_patterns

#: Articles from which the main process uses them too, for the corpus-wide stages (about
#: 150 MiB more memory there, and a second of loading, repaid from this size on).
MAIN_JIT_MIN_ARTICLES = 50_000


@dataclass
class ScanResult:
    """The report, plus what a cleaner needs: documents, clusters and paragraph indices."""

    report: ScanReport
    corpus: Corpus
    documents: DocumentClusters
    boilerplate: Boilerplate


class Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start


def scan(
    paths: Sequence[str],
    *,
    config: ScanConfig,
    stdin: bytes | None = None,
    stdin_name: str = inputs.STDIN,
    on_progress: Progress | None = None,
) -> ScanResult:
    """Scan ``paths`` for repeated paragraphs, syndicated articles and boilerplate
    (``stdin``: the bytes of the article named ``-``)."""
    timer = Timer()
    with timer("load"):
        files, warnings = inputs.expand_paths(paths, config.load.strict, config.load)
        # An empty shard when nothing was found: the stages then run on empty arrays.
        shards = list(
            inputs.plan_shards(files, config.load, config.batch_size, stdin, stdin_name)
        ) or [inputs.Shard()]
    with timer("fingerprint"):
        _, outputs = sampled_map(shards, config)
        corpus = Corpus.gather(outputs, on_progress, total_articles(shards), config.load)
        warnings += load.duplicate_ids(corpus.documents)
    analysis = analyse(corpus, config, timer)
    facts = RunFacts(len(files), warnings, timer.timings, config.to_dict())
    report = build_report(corpus, analysis, facts)
    return ScanResult(report, corpus, analysis.documents, analysis.boilerplate)


@dataclass(frozen=True)
class RunFacts:
    """What a report says besides its findings: the inputs given, the warnings of reading
    them, the stages' timings and the configuration reported; with ``indexed`` (a check),
    how many indexed articles came first in the corpus (compared, not reported)."""

    inputs: int
    warnings: list[InputWarning]
    timings: dict[str, float]
    config: dict[str, Any]
    indexed: int | None = None


def build_report(corpus: Corpus, analysis: Analysis, facts: RunFacts) -> ScanReport:
    """The one report of a scan or a check: counters of the reported articles (those after
    the indexed ones), the findings that involve one of them, the warnings, the timings."""
    first = facts.indexed or 0
    findings = [f for f in analysis.findings if any(r.doc >= first for r in f.refs)]
    candidate_pairs = {
        "documents": analysis.documents.candidate_pairs,
        "paragraphs": analysis.paragraph_pairs,
    }
    if facts.indexed is not None:
        candidate_pairs["indexed_articles"] = facts.indexed
    return ScanReport(
        inputs=facts.inputs,
        articles=len(corpus.documents) - first,
        paragraphs=int(corpus.pars.doc.size) - int(corpus.first_par[first]),
        skipped=corpus.skipped + len(facts.warnings),
        clusters=sum(1 for f in findings if f.kind in DOCUMENT_KINDS),
        candidate_pairs=candidate_pairs,
        warnings=facts.warnings + corpus.warnings,
        findings=findings,
        timings=facts.timings,
        config=facts.config,
        steps={
            "documents": analysis.documents.steps,
            "paragraphs": {"candidate_pairs": analysis.paragraph_pairs},
        },
        read=[d.article for d in corpus.documents[first:]],
        texts=CorpusTexts(corpus, analysis.documents.left_out),
    )


@dataclass
class Analysis:
    """What the corpus-wide stages found: document clusters, furniture, the findings
    (sorted) and how many paragraph pairs were compared."""

    documents: DocumentClusters
    boilerplate: Boilerplate
    findings: list[Finding]
    paragraph_pairs: int


def analyse(
    corpus: Corpus,
    config: ScanConfig,
    timer: Timer,
    learned: Callable[[list[str]], list[bp.Template]] | None = None,
    first_reported: int = 0,
) -> Analysis:
    """The corpus-wide stages: documents, boilerplate, paragraphs, findings (sorted).

    Boilerplate is reported in documents from ``first_reported`` on (a check reports the
    furniture of the new articles, not of the indexed ones it compares them with).
    """
    # The corpus-wide stages hash the words of candidate items again: with the compiled
    # kernels on very large corpora (worker processes are gone by now).
    threads = thread_map(config.effective_workers)
    with jit_switch.compiled(len(corpus.documents) >= MAIN_JIT_MIN_ARTICLES):
        if learned is None:
            with timer("documents"):
                docs = document_clusters(corpus, config, None, threads)
            with timer("boilerplate"):
                boiler = boilerplate_stage(corpus, config, docs.cluster_of)
        else:
            # Templates learned earlier do not depend on this corpus's clusters: applied once,
            # they mask the furniture of the document pairs too.
            with timer("boilerplate"):
                boiler = boilerplate_stage(
                    corpus, config, np.arange(len(corpus.documents)), learned
                )
            with timer("documents"):
                docs = document_clusters(corpus, config, boiler.whole, threads)
        with timer("paragraphs"):
            repeats = paragraph_repeats(corpus, config, docs, boiler)
    with timer("report"):
        reported = corpus.pars.doc >= first_reported
        findings = [
            *document_findings(corpus, docs.exact, docs.near, docs.scores, docs.left_out),
            *(paragraph_finding(corpus, *group) for group in repeats.groups),
            *boilerplate_findings(
                corpus,
                np.where(reported, boiler.template, -1),
                boiler.templates,
                np.where(reported, boiler.pattern, -1),
                load_patterns(config.boilerplate.patterns)[0],
                config.load.segment,
            ),
        ]
        findings.sort(key=Finding.sort_key)
    return Analysis(docs, boiler, findings, repeats.candidate_pairs)
