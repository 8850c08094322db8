"""Build :class:`~dedup.output.report.Finding` records from the stages' indices.

This is where documents and paragraphs (dedup's indices) become locations in the user's
files (paths as given, 1-based lines) with excerpts of the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher

import numpy as np

from dedup.corpus import Corpus
from dedup.escape import replace_surrogates
from dedup.output.report import (
    DOCUMENT_KINDS,
    Comparison,
    Difference,
    DifferingLine,
    Finding,
    Ref,
    ShownParagraph,
    Side,
)
from dedup.records import Location
from dedup.stages.boilerplate import Template, template_text
from dedup.stages.candidates import sorted_unique
from dedup.stages.cluster import Cluster
from dedup.stages.evidence import MIN_RUN, shared_runs
from dedup.stages.fingerprint import word_hashes
from dedup.stages.normalize import fold_case, normalize_text, typographic_offsets
from dedup.stages.patterns import PatternSet
from dedup.stages.segment import split_lines, split_paragraphs
from dedup.stages.verify import Scores

EXCERPT_CHARS = 240


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of ``text`` on one line, cut at a word boundary (an undecodable byte shows
    as U+FFFD).

    >>> excerpt("un  deux\\ntrois quatre", 12)
    'un deux …'
    """
    flat = " ".join(replace_surrogates(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def _document_ref(corpus: Corpus, doc: int) -> tuple[Ref, Location]:
    """The whole article: its lines, from the first to the last non-blank one."""
    document = corpus.document(doc)
    ref = Ref(doc, 1, _line_count(document.text))
    return ref, document.location(ref.start, ref.end)


def _line_count(text: str) -> int:
    r"""Lines of ``text`` up to its last non-blank one (at least 1): the length of
    :func:`~dedup.stages.segment.split_lines` once trailing blank lines are dropped, without
    splitting (a line break is ``\r\n``, ``\r`` or ``\n``; blank is ``str.strip``'s).

    >>> _line_count("a\r\nb\r\n\n  \n"), _line_count(""), _line_count("\n\n")
    (2, 1, 1)
    """
    kept = text.rstrip()
    return 1 + kept.count("\n") + kept.count("\r") - kept.count("\r\n")


def _document_excerpt(corpus: Corpus, doc: int) -> str:
    """The article's first two body paragraphs, for the excerpt."""
    document = corpus.document(doc)
    segments = split_paragraphs(document, corpus.load_config.segment)
    body = [s for s in segments if not s.is_title] or segments
    return " ".join(s.text for s in body[:2])


#: Shared passages shown per near copy, and characters of each.
PASSAGES = 3
PASSAGE_CHARS = 160
_TOKEN = re.compile("[0-9A-Za-z\u0080-\U0010ffff]+")


class _BodyWords:
    """The words of some bodies (lists of paragraphs, typographic forms) hashed in one call,
    as the fingerprints hash them: body ``i``'s paragraphs are ``paragraphs[start[i]:start[i
    + 1]]``, and its words ``words.hashes[first[i]:first[i + 1]]``."""

    def __init__(self, bodies: Sequence[Sequence[str]]) -> None:
        self.bodies = bodies
        sizes = np.array([len(b) for b in bodies], dtype=np.int64)
        self.start = np.concatenate(([0], np.cumsum(sizes)))
        flat = [p for b in bodies for p in b]
        self.words = word_hashes(fold_case("\n".join(flat)).split("\n") if flat else [])
        self.par_first = np.concatenate(([0], np.cumsum(self.words.counts)))
        self.first = self.par_first[self.start]

    def hashes(self, i: int) -> np.ndarray:
        return self.words.hashes[self.first[i] : self.first[i + 1]]


def shared_passages(words: _BodyWords, i: int, kept: np.ndarray) -> tuple[tuple[int, str], ...]:
    """The longest passages (runs of eight words or more) that body ``i`` of ``words`` shares
    with the body whose word hashes are ``kept``, in reading order: (words, text), the text
    cut short."""
    runs = shared_runs(words.hashes(i), kept)
    longest = sorted(sorted(runs, key=lambda r: r[0] - r[1])[:PASSAGES])
    spans = run_spans(words, i, longest)
    if spans is None:
        return ()
    forms = words.bodies[i]
    return tuple(
        (end - first, excerpt(" / ".join(forms[p][a:b] for p, a, b in pieces), PASSAGE_CHARS))
        for (first, end), pieces in zip(longest, spans, strict=True)
    )


def run_spans(
    words: _BodyWords, i: int, runs: Sequence[tuple[int, int]]
) -> list[list[tuple[int, int, int]]] | None:
    """Where each run of words of body ``i`` of ``words`` (``(first word, end)``, counted in
    the body, as :func:`~dedup.stages.evidence.shared_runs` gives them) is in its text: per
    run, its pieces ``(paragraph, first character, end character)``, one per paragraph it
    covers. ``None`` if the words of a paragraph are not those that were hashed."""
    forms = words.bodies[i]
    base, offset = int(words.start[i]), int(words.first[i])
    # Where each paragraph's words start, counted in the body.
    par_first = (words.par_first[base : base + len(forms) + 1] - offset).tolist()
    tokens: dict[int, list[re.Match[str]]] = {}
    out = []
    for first, end in runs:
        pieces = []
        lo_par = bisect_right(par_first, first) - 1
        hi_par = bisect_right(par_first, end - 1) - 1
        for paragraph in range(lo_par, hi_par + 1):
            count = par_first[paragraph + 1] - par_first[paragraph]
            if count == 0:
                continue
            found = tokens.get(paragraph)
            if found is None:
                found = tokens[paragraph] = list(_TOKEN.finditer(forms[paragraph]))
            if len(found) != count:
                return None  # not the words hashed
            lo = max(first, par_first[paragraph]) - par_first[paragraph]
            hi = min(end, par_first[paragraph + 1]) - par_first[paragraph] - 1
            pieces.append((paragraph, found[lo].start(), found[hi].end()))
        out.append(pieces)
    return out


def _body(corpus: Corpus, doc: int, left_out: np.ndarray | None) -> list[str]:
    forms = corpus.forms(doc)
    if left_out is None:
        return forms
    base = int(corpus.first_par[doc])
    return [t for k, t in enumerate(forms) if not left_out[base + k]]


def document_findings(
    corpus: Corpus,
    exact: Sequence[Cluster],
    near: Sequence[Cluster],
    scores: dict[tuple[int, int], Scores],
    left_out: np.ndarray | None = None,
) -> list[Finding]:
    """One finding per exact group and per near cluster; a near copy shows the passages it
    shares with the kept one (bodies without ``left_out`` paragraphs)."""
    out = []
    passages_of = _near_passages(corpus, near, left_out)
    for kind, clusters in (("exact_document", exact), ("near_document", near)):
        for c in clusters:
            refs, locations = [], []
            for m in c.members:
                ref, loc = _document_ref(corpus, m)
                refs.append(ref)
                locations.append(loc)
            rep = c.members.index(c.representative)
            canonical_ref, canonical = refs[rep], locations[rep]
            text = _document_excerpt(corpus, c.representative)
            member_scores: tuple[Scores | None, ...] = (
                tuple(
                    scores.get((c.representative, m)) if m != c.representative else None
                    for m in c.members
                )
                if kind == "near_document"
                else ()
            )
            passages: tuple[tuple[tuple[int, str], ...], ...] = ()
            differences: tuple[Difference | None, ...] = ()
            if kind == "near_document":
                passages = next(passages_of)
                differences = tuple(
                    difference(corpus, c.representative, m, left_out)
                    if s is not None and reads_identical(s)
                    else None
                    for m, s in zip(c.members, member_scores, strict=True)
                )
            out.append(
                Finding(
                    kind,
                    tuple(locations),
                    canonical,
                    excerpt(text),
                    tuple(refs),
                    canonical_ref,
                    member_scores,
                    passages,
                    differences,
                )
            )
    return out


def reads_identical(scores: Scores) -> bool:
    """Whether every score of a pair reads 1.00 in the reports (two decimals)."""
    return all(f"{v:.2f}" == "1.00" for v in (scores.jaccard, scores.containment, scores.cosine))


def difference(
    corpus: Corpus, kept: int, copy: int, left_out: np.ndarray | None
) -> Difference | None:
    """The body paragraphs (titles apart: exact duplicates compare bodies) that only one of
    documents ``kept`` and ``copy`` has, once normalized, as :func:`difflib` aligns them;
    each furniture (``left_out``), repeated (its article has it elsewhere) or text. ``None``
    when the bodies are equal."""
    sides = []
    for doc in (kept, copy):
        base, forms = int(corpus.first_par[doc]), corpus.forms(doc)
        norms = fold_case("\n".join(forms)).split("\n") if forms else []
        body = [k for k in range(len(forms)) if not corpus.pars.title[base + k]]
        sides.append((doc, base, forms, norms, body))
    texts = [[norms[k] for k in body] for _, _, _, norms, body in sides]
    matcher = SequenceMatcher(None, texts[0], texts[1], autojunk=False)
    spans: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            spans[0].append((i1, i2))
            spans[1].append((j1, j2))
    lines = []
    for name, (doc, base, forms, norms, body), found, text in zip(
        ("kept", "copy"), sides, spans, texts, strict=True
    ):
        count = Counter(text)
        document = corpus.documents[doc]
        for lo, hi in found:
            for k in body[lo:hi]:
                par = base + k
                if left_out is not None and left_out[par]:
                    what = "furniture"
                elif count[norms[k]] > 1:
                    what = "repeated"
                else:
                    what = "text"
                location = document.location(int(corpus.pars.start[par]), int(corpus.pars.end[par]))
                lines.append(DifferingLine(name, what, location, excerpt(forms[k], PASSAGE_CHARS)))
    return Difference(tuple(lines)) if lines else None


#: Near clusters whose bodies are hashed together for their shared passages (the transient
#: arrays of a batch are some ten bytes per byte of text).
PASSAGE_BATCH = 256


def _near_passages(
    corpus: Corpus, near: Sequence[Cluster], left_out: np.ndarray | None
) -> Iterator[tuple[tuple[tuple[int, str], ...], ...]]:
    """The passages of each near cluster (see :func:`_passages`), in order; the words of the
    bodies of :data:`PASSAGE_BATCH` clusters are hashed in one call."""
    for lo in range(0, len(near), PASSAGE_BATCH):
        batch = near[lo : lo + PASSAGE_BATCH]
        words = _BodyWords([_body(corpus, m, left_out) for c in batch for m in c.members])
        first = 0
        for c in batch:
            yield _passages(c, words, first)
            first += len(c.members)


def _passages(c: Cluster, words: _BodyWords, first: int) -> tuple[tuple[tuple[int, str], ...], ...]:
    """The passages each member of near cluster ``c`` shares with its representative (none
    for the representative), its bodies being ``words`` bodies ``first`` on."""
    kept = words.hashes(first + c.members.index(c.representative))
    return tuple(
        () if m == c.representative else shared_passages(words, first + k, kept)
        for k, m in enumerate(c.members)
    )


def paragraph_finding(
    corpus: Corpus, kind: str, members: Sequence[int], member_scores: Sequence[Scores | None] | None
) -> Finding:
    """A finding over paragraphs (global paragraph indices); the first one is canonical."""
    index = np.asarray(members, dtype=np.int64)
    refs = tuple(
        Ref(d, a, b)
        for d, a, b in zip(
            corpus.pars.doc[index].tolist(),
            corpus.pars.start[index].tolist(),
            corpus.pars.end[index].tolist(),
            strict=True,
        )
    )
    documents = corpus.documents
    locations = tuple(documents[r.doc].location(r.start, r.end) for r in refs)
    first = refs[0]
    text = "\n".join(split_lines(corpus.document(first.doc).text)[first.start - 1 : first.end])
    return Finding(
        kind,
        locations,
        locations[0],
        excerpt(text),
        refs,
        first,
        tuple(member_scores) if member_scores else (),
    )


def boilerplate_findings(
    corpus: Corpus,
    template: np.ndarray,
    templates: Sequence[Template],
    pattern: np.ndarray,
    patterns: PatternSet,
    mode: str,
) -> list[Finding]:
    """One finding per learned template and per built-in pattern that matched."""
    out: list[Finding] = []
    names = sorted({d.source for d in corpus.documents})
    for index, t in enumerate(templates):
        members = np.flatnonzero(template == index).tolist()
        if not members:  # matched nowhere reported
            continue
        finding = paragraph_finding(corpus, "boilerplate", members, None)
        first = finding.canonical_ref
        norm = normalize_text(finding_text(corpus, first))
        out.append(
            _with(
                finding,
                rule=t.rule,
                template=template_text(norm, t.key_type),
                source=names[t.source],
            )
        )
    learned = template >= 0
    for index in sorted_unique(pattern[(pattern >= 0) & ~learned]).tolist():
        p = patterns.patterns[index]
        members = np.flatnonzero((pattern == index) & ~learned).tolist()
        finding = paragraph_finding(corpus, "boilerplate", members, None)
        extra: dict[str, str | None] = {}
        if p.prefix:
            norm = normalize_text(finding_text(corpus, finding.canonical_ref))
            match = patterns.match(norm)
            extra = {"part": "prefix", "prefix_text": norm[: match.end] if match else None}
        out.append(_with(finding, rule=p.rule_id, template=p.template, **extra))
    return out


def finding_text(corpus: Corpus, ref: Ref) -> str:
    """Original text of the lines of ``ref``."""
    return "\n".join(split_lines(corpus.document(ref.doc).text)[ref.start - 1 : ref.end])


def _with(finding: Finding, **changes: object) -> Finding:
    from dataclasses import replace

    return replace(finding, **changes)  # type: ignore[arg-type]


class CorpusTexts:
    """The texts of the findings of a scan of ``corpus`` (a :class:`~dedup.output.report.Texts`):
    paragraphs read again from the files, with the passages two places share marked, found
    as the report's passages are (:func:`shared_runs` and :func:`run_spans` on the forms
    compared, then moved onto the files' text). Near documents compare their bodies without
    ``left_out`` paragraphs (titles and furniture), as the scan did; exact ones are the same
    body once normalized, furniture included, and all of it is marked."""

    def __init__(self, corpus: Corpus, left_out: np.ndarray | None) -> None:
        self.corpus, self.left_out = corpus, left_out

    def source(self, ref: Ref) -> str:
        return self.corpus.documents[ref.doc].source

    def compare(self, finding: Finding, index: int) -> Comparison:
        document = finding.kind in DOCUMENT_KINDS
        exact = finding.kind in ("exact_document", "exact_paragraph")
        refs = (finding.canonical_ref, finding.refs[index])
        shown = [self._paragraphs(ref, document) for ref in refs]
        kept_roles = ("body", "furniture") if finding.kind == "exact_document" else ("body",)
        compared = [[k for k, (_, role) in enumerate(side) if role in kept_roles] for side in shown]
        forms = [self.corpus.forms(ref.doc) for ref in refs]
        bases = [int(self.corpus.first_par[ref.doc]) for ref in refs]
        texts = [
            [forms[s][shown[s][k][0] - bases[s]] for k in compared[s]] for s in range(len(refs))
        ]
        marks: list[dict[int, list[tuple[int, int]]]] = [{}, {}]
        if exact:  # the same text, once normalized: all of it is shared
            for s in range(len(refs)):
                marks[s] = {k: [(0, len(t))] for k, t in zip(compared[s], texts[s], strict=True)}
        else:
            # Paragraphs are short: any word n-gram they share is marked.
            min_run = MIN_RUN if document else 1
            words = _BodyWords(texts)
            for s in range(len(refs)):
                runs = shared_runs(words.hashes(s), words.hashes(1 - s), min_run)
                for pieces in run_spans(words, s, runs) or []:
                    for paragraph, a, b in pieces:
                        marks[s].setdefault(compared[s][paragraph], []).append((a, b))
        sides = []
        for s, ref in enumerate(refs):
            doc = self.corpus.documents[ref.doc]
            lines = split_lines(self.corpus.document(ref.doc).text)
            paragraphs = []
            for k, (g, role) in enumerate(shown[s]):
                start, end = int(self.corpus.pars.start[g]), int(self.corpus.pars.end[g])
                paragraphs.append(
                    _in_file(
                        doc.location(start, end),
                        forms[s][g - bases[s]],
                        "\n".join(lines[start - 1 : end]),
                        role,
                        _merged(marks[s].get(k, [])),
                    )
                )
            where = finding.locations[index] if s else finding.canonical
            sides.append(Side(where, doc.source, tuple(paragraphs)))
        return Comparison(sides[0], sides[1])

    def _paragraphs(self, ref: Ref, document: bool) -> list[tuple[int, str]]:
        """The paragraphs shown of ``ref`` (global indices) and their roles: a document's
        every paragraph; a paragraph, after its article's title (context)."""
        corpus = self.corpus
        lo, hi = int(corpus.first_par[ref.doc]), int(corpus.first_par[ref.doc + 1])
        title, left_out = corpus.pars.title, self.left_out
        if document:

            def role(g: int) -> str:
                if title[g]:
                    return "title"
                return "furniture" if left_out is not None and left_out[g] else "body"

            return [(g, role(g)) for g in range(lo, hi)]
        start, end = corpus.pars.start, corpus.pars.end
        inside = [(g, "body") for g in range(lo, hi) if start[g] >= ref.start and end[g] <= ref.end]
        if lo < hi and title[lo] and not (inside and inside[0][0] == lo):
            return [(lo, "context"), *inside]
        return inside


def _in_file(
    location: Location, form: str, original: str, role: str, marks: list[tuple[int, int]]
) -> ShownParagraph:
    """A paragraph as in its file, ``marks`` (spans of its typographic ``form``) moved onto
    its ``original`` text; as compared (``form``) if ``form`` is not that of ``original``
    (the file changed or cannot be read)."""
    offsets = typographic_offsets(original, form)
    if offsets is None:
        return ShownParagraph(location, form, role, tuple(marks), normalized=True)
    moved = [(offsets[a], offsets[b - 1] + 1) for a, b in marks if b > a]
    return ShownParagraph(location, original, role, tuple(_merged(moved)))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans sorted, those that overlap or touch merged.

    >>> _merged([(5, 9), (0, 3), (3, 4), (8, 12)])
    [(0, 4), (5, 12)]
    """
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
