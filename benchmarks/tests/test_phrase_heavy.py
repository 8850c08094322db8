"""The phrase-heavy variant of the corpus generator: short wire copy whose unrelated articles
share stock phrases at the aimed rate, its copies still copies; and the standard variant left
as it was (the planted cases of both: test_generate.py)."""

from __future__ import annotations

import json
import random
import re

import pytest

from benchmarks import common, generate

N, SEED = 2000, 1
#: The aim (generate.py's docstring), for the bodies: share of random pairs above 0.02, 0.05.
AIM_002, AIM_005 = (0.05, 0.15), (0.005, 0.03)
DATELINE = re.compile(r"^(?:[^\n]{1,40} \((?:Reuters|AP|AFP|Belga)\) [-—] |\(Bloomberg\) -- )")


@pytest.fixture(scope="module")
def heavy():
    records, truth, bodies = generate.generate_bodies(N, SEED, "phrase-heavy")
    return records, truth, dict(zip((r["id"] for r in records), bodies, strict=True))


@pytest.fixture(scope="module")
def standard():
    return generate.generate_bodies(N // 2, SEED)


def test_phrase_share_in_the_aimed_range(heavy):
    records, truth, _ = heavy
    share = truth["phrase_share"]
    assert truth["variant"] == "phrase-heavy"
    assert AIM_002[0] <= share["body_jaccard_above_0.02"] <= AIM_002[1], share
    assert AIM_005[0] <= share["body_jaccard_above_0.05"] <= AIM_005[1], share
    # The furniture adds to the texts' share; at 2 and 5 % over the aim at most.
    assert share["body_jaccard_above_0.02"] <= share["jaccard_above_0.02"] <= 0.2
    assert share["body_jaccard_above_0.05"] <= share["jaccard_above_0.05"] <= 0.05
    assert 130 <= share["mean_words"] <= 180 and 110 <= share["body_mean_words"] <= 170
    texts = [r["text"] for r in records]
    measured = common.phrase_share(texts)
    assert (share["jaccard_above_0.02"], share["jaccard_above_0.05"]) == tuple(
        round(x, 4) for x in measured
    )
    assert common.phrase_share(texts) == measured  # deterministic
    counts = truth["counts"]["stock_phrases"]
    assert counts["datelines"] > 0.7 * N and counts["sign_offs"] > 0.5 * N
    assert counts["clauses"] > N and counts["sentences"] > 0.5 * N


def test_unrelated_articles_share_phrases_not_stories(heavy):
    records, truth, _ = heavy
    group = {i: ("copies", k) for k, c in enumerate(truth["doc_clusters"]) for i in c}
    group |= {i: ("template", k) for k, c in enumerate(truth["template_groups"]) for i in c}
    group |= {i: ("related", k) for k, c in enumerate(truth["related_groups"]) for i in c}
    shingles = [common.ngrams(common.word_tokens(r["text"]), 3) for r in records]
    rng = random.Random(3)
    pairs = [rng.sample(range(N), 2) for _ in range(20000)]
    unrelated = [
        (a, b) for a, b in pairs if group.get(records[a]["id"], a) != group.get(records[b]["id"], b)
    ]
    top = max(common.jaccard(shingles[a], shingles[b]) for a, b in unrelated)
    assert 0.05 < top < 0.25  # rewrites: about 0.3
    assert truth["rewrite_jaccard_quantiles"]["0.5"] > 0.25


def test_copies_carry_the_stock_phrases_of_their_original(heavy):
    _, truth, bodies = heavy
    kinds = truth["copy_kinds"]
    checked = {"exact": 0, "brief": 0, "rewrite": 0}
    for cluster in truth["doc_clusters"]:
        original = next(i for i in cluster if kinds[i] == "original")
        lines = bodies[original].split("\n")
        dateline = DATELINE.match(lines[0])
        for i in cluster:
            ours = bodies[i].split("\n")
            if kinds[i] == "exact":
                assert ours == lines
            elif kinds[i] == "brief":
                assert ours == lines[: len(ours)] and 2 <= len(ours) < len(lines)
            elif kinds[i] == "rewrite" and dateline:
                assert ours[0].startswith(dateline.group(0)), (i, original)
            else:
                continue
            checked[kinds[i]] += 1
    assert all(n >= 10 for n in checked.values()), checked
    # Most articles open with a dateline; template instances with a French one.
    opened = sum(bool(DATELINE.match(b)) for b in bodies.values())
    assert 0.75 * N < opened < N
    # Template instances: a French dateline (or none), no attribution clause.
    english = re.compile(r"\((?:AP|Bloomberg)\)|" + "|".join(generate.MONTHS_EN))
    leads = [bodies[i].split("\n")[0] for g in truth["template_groups"] for i in g]
    assert sum(bool(DATELINE.match(lead)) for lead in leads) > 0.75 * len(leads)
    assert not any(english.search(lead) for lead in leads)
    assert not any(", a-t-on appris" in bodies[i] for g in truth["template_groups"] for i in g)


def test_standard_variant_unmarked_longer_and_phrase_poor(heavy, standard):
    records, truth, bodies = standard
    assert not {"variant", "phrase_share"} & set(truth)
    assert "stock_phrases" not in truth["counts"]
    assert generate.generate(N // 2, SEED) == (records, truth)
    assert generate.generate(N // 2, SEED, "standard") == (records, truth)
    words = sum(len(r["text"].split()) for r in records) / len(records)
    heavy_share = heavy[1]["phrase_share"]
    assert words > 2.5 * heavy_share["mean_words"]
    above_002, above_005 = common.phrase_share([r["text"] for r in records], 5000)
    assert above_002 < 0.02 < heavy_share["jaccard_above_0.02"]
    assert above_005 < 0.002 < heavy_share["jaccard_above_0.05"]
    assert not any(DATELINE.match(b) for b in bodies)


def test_command_line_writes_phrases_json_and_measures(tmp_path, capsys):
    out = tmp_path / "corpus"
    assert generate.main(["--articles", "300", "--variant", "phrase-heavy", "--out", str(out)]) == 0
    phrases = json.loads((out / "phrases.json").read_text(encoding="utf-8"))
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert phrases == {"variant": "phrase-heavy", **truth["phrase_share"]}
    capsys.readouterr()
    assert generate.main(["--measure", str(out / "corpus.jsonl")]) == 0
    measured = json.loads(capsys.readouterr().out)
    assert measured["articles"] == 300 and "body_jaccard_above_0.02" not in measured
    for key in ("jaccard_above_0.02", "jaccard_above_0.05", "mean_words"):
        assert measured[key] == phrases[key]
    standard = tmp_path / "standard"
    assert generate.main(["--articles", "300", "--out", str(standard)]) == 0
    phrases = json.loads((standard / "phrases.json").read_text(encoding="utf-8"))
    assert phrases["variant"] == "standard" and phrases["mean_words"] > 300
    assert "phrase_share" not in json.loads((standard / "truth.json").read_text("utf-8"))
    with pytest.raises(SystemExit):
        generate.main(["--articles", "10"])
