"""The synthetic corpus generator (benchmarks/generate.py): determinism, and the verifier's
hard cases it plants (template stories, related stories, noisy reprints, corrections), in
both variants (the phrase-heavy one's own properties: test_phrase_heavy.py)."""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from benchmarks import generate

ROOT = Path(__file__).resolve().parents[2]
N, SEED = 3000, 7
WORD = re.compile(r"[^\W\d]+")
DIGITS = re.compile(r"\d+")
CAPITALISED = re.compile(r"\b[^\W\d_a-zà-ÿ]\w+")
QUOTE = re.compile(r"« [^»]+ », a \w+ [^.]+\.")
NOTE = re.compile(r"\(Corrige (?:le montant|le pourcentage) au (?:1er|\d+e) paragraphe\)")


@pytest.fixture(scope="module", params=sorted(generate.VARIANTS))
def corpus(request):
    records, truth = generate.generate(N, SEED, request.param)
    return {r["id"]: r for r in records}, truth, records


def _digest(records, truth) -> str:
    blob = json.dumps([records, truth], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z]+\}", template)
    return re.compile(".+?".join(re.escape(p) for p in parts))


@pytest.fixture(scope="module")
def body(corpus):
    """The body lines of an article: its text without the outlet's furniture lines."""
    _, truth, _ = corpus
    patterns = {s: [_pattern(t) for t in lines] for s, lines in truth["boilerplate"].items()}

    def strip(record) -> list[str]:
        lines = record["text"].split("\n")
        own = patterns[record["source"]]
        while lines and any(p.fullmatch(lines[0]) for p in own):
            lines.pop(0)
        while lines and any(p.fullmatch(lines[-1]) for p in own):
            lines.pop()
        return lines

    return strip


def _skeleton(text: str) -> set[str]:
    """The words of ``text`` that are no slot: neither figures nor capitalised names."""
    return {w for w in WORD.findall(text) if not w[0].isupper()}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _edits(a: str, b: str) -> int:
    """Characters changed between ``a`` and ``b`` (a Levenshtein-like count)."""
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in ops if op != "equal")


def test_same_seed_same_corpus_in_and_across_processes(corpus):
    _, truth, records = corpus
    variant = truth.get("variant", "standard")
    # Another process, with another string hash seed: no set or dict order may leak in.
    code = (
        "import hashlib, json; from benchmarks import generate; "
        f"r, t = generate.generate({N}, {SEED}, {variant!r}); "
        "print(hashlib.sha256(json.dumps([r, t], ensure_ascii=False, sort_keys=True)"
        ".encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == _digest(records, truth)
    other, _ = generate.generate(N, SEED + 1, variant)
    assert other != records


def test_ids_unique_and_new_truth_present(corpus):
    by_id, truth, records = corpus
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == N == truth["articles"]
    assert truth["generator_version"] == 3
    for key in ("template_groups", "template_formats", "related_groups", "related_followups"):
        assert truth[key], key
    assert len(truth["template_formats"]) == len(truth["template_groups"]) >= 5
    kinds = truth["copy_kinds"]
    assert set(generate.COPY_KINDS) <= set(kinds.values())
    counts = truth["counts"]["copies"]
    assert all(counts[k] > 0 for k in generate.COPY_KINDS)
    # Every noisy copy and correction is described, and in its original's cluster.
    details = truth["copy_details"]
    assert set(details) == {i for i, k in kinds.items() if k in ("noisy", "correction")}
    cluster_of = {m: k for k, c in enumerate(truth["doc_clusters"]) for m in c}
    for i, d in details.items():
        assert d["kind"] == kinds[i] and kinds[d["of"]] == "original"
        assert cluster_of[i] == cluster_of[d["of"]]
    # Template and related stories are distinct stories: in no cluster, in one group each.
    templates = [i for g in truth["template_groups"] for i in g]
    related = [i for g in truth["related_groups"] for i in g]
    assert len(set(templates)) == len(templates) and len(set(related)) == len(related)
    assert not (set(templates) & set(related)) and not (
        (set(templates) | set(related)) & set(kinds)
    )
    assert set(templates) | set(related) <= set(by_id)
    assert abs(len(templates) - 0.03 * N) <= 1 and abs(len(related) - 0.03 * N) <= 2
    assert all(2 <= len(g) <= 4 for g in truth["related_groups"])
    repeated = {r["id"] for r in truth["repeated_paragraphs"]}
    assert not repeated & (set(templates) | set(related))


def test_template_instances_share_wording_not_facts(corpus, body):
    by_id, truth, _ = corpus
    for group, name in zip(truth["template_groups"], truth["template_formats"], strict=True):
        assert len(group) >= 3, name
        pairs = list(itertools.pairwise(group))
        bodies = {i: body(by_id[i]) for i in group}
        # The lead is always the format's first paragraph: same words but for the slots.
        lead = [_jaccard(_skeleton(bodies[a][0]), _skeleton(bodies[b][0])) for a, b in pairs]
        assert statistics.median(lead) >= 0.35, name
        texts = {i: "\n".join(bodies[i]) for i in group}
        assert all(set(DIGITS.findall(texts[a])) != set(DIGITS.findall(texts[b])) for a, b in pairs)
        names = [
            set(CAPITALISED.findall(texts[a])) != set(CAPITALISED.findall(texts[b]))
            for a, b in pairs
        ]
        assert sum(names) >= 0.8 * len(names), name
        assert len({texts[i] for i in group}) == len(group)
        outlets = Counter(by_id[i]["source"] for i in group)
        assert outlets.most_common(1)[0][1] >= 0.3 * len(group), name
    # Unrelated ordinary articles do not share their leads' wording like that.
    plain = [i for i in sorted(by_id) if i not in truth["copy_kinds"]][:200]
    leads = [_skeleton(body(by_id[i])[0]) for i in plain]
    assert statistics.median(_jaccard(a, b) for a, b in itertools.pairwise(leads)) < 0.15
    # One format's titles follow it.
    dividend = truth["template_groups"][truth["template_formats"].index("dividend")]
    assert all(
        re.fullmatch(r".+ : dividende trimestriel de \d+ centimes", by_id[i]["title"])
        for i in dividend
    )


def test_related_stories_share_a_quote_not_their_text(corpus, body):
    by_id, truth, _ = corpus
    for group in truth["related_groups"]:
        quotes = [set(QUOTE.findall("\n".join(body(by_id[i])))) for i in group]
        assert set.intersection(*quotes), group
        for a, b in itertools.combinations(group, 2):
            assert generate.jaccard(by_id[a]["text"], by_id[b]["text"]) < 0.3, (a, b)
            assert by_id[a]["title"] != by_id[b]["title"]
            assert set(CAPITALISED.findall(by_id[a]["title"][1:])) & set(
                CAPITALISED.findall(by_id[b]["title"][1:])
            ), (a, b)
    in_group = {i: g for g in truth["related_groups"] for i in g}
    for f in truth["related_followups"]:
        assert f["of"] in in_group[f["id"]] and 0 < f["reused"] <= 0.4
        first = {s for line in body(by_id[f["of"]]) for s in re.split(r"(?<=[.!?]) ", line)}
        ours = [s for line in body(by_id[f["id"]]) for s in re.split(r"(?<=[.!?]) ", line)]
        shared = sum(len(s.split()) for s in ours if s in first and not QUOTE.fullmatch(s))
        assert (
            0
            < shared
            < 0.5 * min(len(" ".join(body(by_id[i])).split()) for i in (f["id"], f["of"]))
        )


def test_noisy_copies_differ_at_about_the_drawn_rate(corpus, body):
    by_id, truth, _ = corpus
    noisy = {i: d for i, d in truth["copy_details"].items() if d["kind"] == "noisy"}
    assert {d["noise"] for d in noisy.values()} == set(generate.NOISE_RATES)
    measured: dict[float, list[float]] = defaultdict(list)
    for i, d in noisy.items():
        assert d["transforms"] and 0 < d["kept"] <= 1.0
        assert (d["noise"] > 0) == ("ocr" in d["transforms"])
        ours, theirs = body(by_id[i]), body(by_id[d["of"]])
        if "cut" in d["transforms"]:
            assert len(ours) < len(theirs) and d["kept"] < 1.0
        if d["noise"] == 0 and set(d["transforms"]) <= {"cut", "title"}:
            assert ours == theirs[: len(ours)]
            words = len(" ".join(ours).split()) / len(" ".join(theirs).split())
            assert d["kept"] == pytest.approx(words, abs=0.002)
        if d["noise"] > 0:
            assert ours != theirs[: len(ours)]
        if d["noise"] > 0 and set(d["transforms"]) <= {"cut", "title", "ocr"}:
            # No merge: the lines still pair up (compared line by line, which is faster).
            pairs = list(zip(theirs, ours, strict=False))
            edits = sum(_edits(a, b) for a, b in pairs)
            measured[d["noise"]].append(edits / sum(len(a) + 1 for a, _ in pairs))
    assert len(measured) >= 3
    for rate, values in measured.items():
        assert 0.6 * rate <= statistics.mean(values) <= 1.6 * rate, (rate, statistics.mean(values))


def test_corrections_are_prefixed_copies_with_one_figure_changed(corpus, body):
    by_id, truth, _ = corpus
    corrections = {i: d for i, d in truth["copy_details"].items() if d["kind"] == "correction"}
    assert corrections
    for i, d in corrections.items():
        ours, theirs = by_id[i], by_id[d["of"]]
        prefix = next(p for p in generate.CORRECTION_PREFIXES if ours["title"].startswith(p))
        assert ours["title"] == prefix + theirs["title"]
        assert ours["source"] == theirs["source"]
        lines, original = body(ours), body(theirs)
        assert NOTE.fullmatch(lines[-1]) and f" au {d['paragraph']}" in lines[-1]
        assert len(lines) == len(original) + 1
        changed = [k for k, (a, b) in enumerate(zip(lines, original, strict=False)) if a != b]
        assert changed == [d["paragraph"] - 1]
        k = d["paragraph"] - 1
        assert original[k].count(d["old"]) >= 1 and lines[k].count(d["new"]) >= 1
        assert ours["text"].split("\n")[d["line"] - 1] == lines[k]
