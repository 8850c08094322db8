"""The evidence of copying, measure by measure, on constructed pairs with known answers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dedup.app.labels import LabelledPair
from dedup.app.pair_scores import document_evidence
from dedup.stages import evidence as ev
from dedup.stages import material
from dedup.stages.verifier import Verifier

STORY = [
    "Storm Ciaran struck the Atlantic coast of France overnight with gusts of up to 207 "
    "kilometres per hour, leaving 1.2 million homes without electricity.",
    "The national weather service had placed four departments on red alert on Wednesday "
    "evening and asked residents of Brittany and Normandy to stay at home.",
    "A truck driver died in the Aisne after a tree crushed his vehicle, the interior "
    "minister Gerald Darmanin said on Thursday morning during a visit to Brest.",
    "Rail traffic was suspended between Rennes and Quimper and several regional airports "
    "cancelled all their flights until the afternoon, the operators said.",
    "Electricity distributor Enedis said 3,000 technicians were working to restore power "
    "and that most homes should be reconnected by the end of the weekend.",
]
TITLE = "Storm Ciaran batters the Atlantic coast"


def pair(a_lines, b_lines, a_title=TITLE, b_title=TITLE) -> dict[str, float]:
    found, _ = document_evidence(
        [LabelledPair("\n".join(a_lines), "\n".join(b_lines), True, a_title, b_title)]
    )
    return found.row(0)


def test_an_exact_copy_shares_everything():
    row = pair(STORY, STORY)
    for name in ("containment", "jaccard", "passages_short", "spans_short", "lead_short"):
        assert row[name] == pytest.approx(1.0), name
    assert row["facts"] > 0.95 and row["conflicts"] == 0.0
    assert row["title"] == 1.0


def test_a_brief_is_covered_by_the_story():
    row = pair(STORY[:2], STORY, b_title="Ciaran: 1.2 million homes without power")
    assert row["passages_short"] == pytest.approx(1.0)
    assert row["spans_short"] == pytest.approx(1.0)
    assert row["passages_long"] < 0.5 and row["ratio"] < 0.5


def test_a_template_shares_wording_but_not_facts():
    notice = (
        "{c} said on {d} it would pay a quarterly dividend of {x} cents a share, "
        "payable on March 15 to shareholders of record on March 1, against {y} cents a year earlier."
    )
    a = [notice.format(c="Acme Corp", d="Monday", x=25, y=22)]
    b = [notice.format(c="Globex Industries", d="Tuesday", x=31, y=30)]
    row = pair(a, b, "Acme Corp quarterly dividend", "Globex Industries quarterly dividend")
    same = pair(a, a, "Acme Corp quarterly dividend", "Acme Corp quarterly dividend")
    assert row["containment"] > 0.3  # the same format...
    assert row["facts"] < 0.7 and same["facts"] > 0.9  # ...other facts
    assert row["conflicts"] > 0.3 and same["conflicts"] == 0.0  # filled in differently


def test_a_misread_name_is_no_conflict_but_another_name_or_figure_is():
    """Where the wording around a fact is the same, a name spelt within one edit in four
    letters is the same name misread; another name, or a figure one digit off, conflicts."""
    line = "The talks between {a} and the unions resumed on Monday in {b}, {n} days after they broke down."

    def conflicts(a: str, b: str, n: str) -> float:
        return pair(
            [line.format(a="Bartepen", b="Lausanne", n="12")], [line.format(a=a, b=b, n=n)]
        )["conflicts"]

    assert conflicts("Bartepen", "Lausanne", "12") == 0.0
    assert conflicts("Btepen", "Lausarne", "12") == 0.0  # OCR: letters lost or misread
    assert conflicts("Thompson", "Lausanne", "12") > 0.0  # another name
    assert conflicts("Bartepen", "Lausanne", "13") > 0.0  # another figure
    assert ev.near_spellings(
        *(material.spellings(*_spans(w)) for w in (b"us", b"uk"))
    ).tolist() == [False]  # too short to tell a misreading from another word


def _spans(word: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.frombuffer(word, np.uint8), np.array([0]), np.array([len(word)])


def test_a_notice_about_another_company_conflicts_in_its_title_and_first_words():
    """The same wording, the same amount, another subject: the first sentence's subject has
    no two words before it, and the headline is one wording with another name in it."""
    notice = (
        "{c} a déclaré un dividende trimestriel de 168 centimes par action, payable le "
        "14 novembre aux actionnaires inscrits au 22 septembre."
    )
    a, b = [notice.format(c="Risseval")], [notice.format(c="Grandmont")]
    other = pair(
        a, b, "Risseval : dividende de 168 centimes", "Grandmont : dividende de 168 centimes"
    )
    assert other["title_conflict"] == pytest.approx(0.5)  # wording shared, 1 fact of 2 differs
    assert other["conflicts"] > 0.0  # the subject, against three slots filled alike
    # A misspelt name keeps one of its keys: no conflict.
    typo = pair(
        a,
        [notice.format(c="Rissevai")],
        "Risseval : dividende de 168 centimes",
        "Rissevai : dividende de 168 centimes",
    )
    assert typo["title_conflict"] == 0.0 and typo["conflicts"] == 0.0


def test_an_ordinal_is_a_fact():
    """Two rounds of one league: the same table wording, another round number."""
    text = "Résultats de la {n} journée de la Ligue Niplo : FC Branré - FC Aipré 2-0."
    row = pair(
        [text.format(n="11e")],
        [text.format(n="15e")],
        "Ligue Niplo : résultats de la 11e journée",
        "Ligue Niplo : résultats de la 15e journée",
    )
    assert row["title_conflict"] > 0.0 and row["conflicts"] > 0.0
    items = material.items([["le 1er, la 3ème, the 22nd, 4th, 1a ville"]], [""])
    assert items.fact.tolist() == [False, True, False, True, False, True, True, False, False]


def test_a_new_headline_is_no_title_conflict():
    row = pair(STORY, STORY, b_title="Brittany in the dark after 207 km/h gusts")
    assert row["title_conflict"] == 0.0
    assert row["title"] < 0.2


def test_a_correction_does_not_count_its_changed_figure_against_it():
    fixed = [STORY[0].replace("1.2 million", "1.4 million"), *STORY[1:]]
    plain = pair(STORY, fixed)
    corrected = pair(STORY, fixed, b_title="CORRECTED - " + TITLE)
    assert plain["conflicts"] > 0.0
    assert corrected["conflicts"] == 0.0


def test_related_stories_share_names_not_passages():
    other = [
        "A week after Storm Ciaran, farmers in Brittany are still assessing the damage to "
        "greenhouses and orchards, and many say their insurers have not yet come.",
        "Gerald Darmanin promised on Friday an emergency fund for Brittany and Normandy, "
        "but the farmers' union says the money will arrive too late for the spring.",
    ]
    row = pair(other, STORY, "Brittany counts the cost of Storm Ciaran")
    assert row["passages_short"] < 0.2 and row["spans_short"] < 0.3
    assert row["facts"] > 0.3  # they share names


def test_character_noise_breaks_runs_not_spans():
    rng = np.random.default_rng(3)

    def noisy(line: str) -> str:
        chars = list(line)
        for i in rng.choice(len(chars), size=max(1, len(chars) // 40), replace=False):
            chars[i] = "x" if chars[i] != " " else " "
        return "".join(chars)

    row = pair([noisy(line) for line in STORY], STORY)
    assert row["spans_short"] > 0.8
    assert row["passages_short"] < row["spans_short"]


def test_a_shared_quote_after_another_lead_covers_only_the_quote():
    """Two short articles with other leads and one quote in common: the spans and the
    character grams cover the quote, not the whole of the shorter article."""
    quote = "« Nous reconstruirons tout ce qui a été détruit », a déclaré le préfet mardi soir."
    a = ["Les pompiers ont travaillé toute la nuit dans la vallée.", quote]
    b = ["Les écoles resteront fermées jusqu'à la fin de la semaine.", quote]
    row = pair(a, b, "Titre A", "Titre B")
    assert 0.4 < row["spans_short"] < 0.7
    assert 0.4 < row["chars_short"] < 0.7


def test_facts_are_figures_and_capitalised_words_never_written_in_lower_case():
    items = material.items(
        [["Le groupe Airbus a livré 12 avions, dit le groupe.", "La Bourse a monté. la bourse!"]],
        ["Airbus livre"],
    )
    words = [
        "le",
        "groupe",
        "airbus",
        "a",
        "livré",
        "12",
        "avions",
        "dit",
        "le",
        "groupe",
        "la",
        "bourse",
        "a",
        "monté",
        "la",
        "bourse",
    ]
    facts = [w for w, f in zip(words, items.fact.tolist(), strict=True) if f]
    assert facts == ["airbus", "12"]
    assert items.title_fact.tolist() == [True, False]


def test_evidence_does_not_depend_on_the_order_of_a_pair():
    lines = [STORY[:3], STORY, [STORY[0], STORY[4]]]
    items = material.items(lines, [TITLE, TITLE, "Ciaran"])
    prep = material.prepare(items)
    from dedup.stages.verify import TfidfCosine

    tfidf = TfidfCosine().fit(np.zeros(1 << 20, np.int64), 3)
    forward = ev.evidence(prep, np.array([[0, 1], [1, 2], [0, 2]]), tfidf).matrix()
    backward = ev.evidence(prep, np.array([[1, 0], [2, 1], [2, 0]]), tfidf).matrix()
    np.testing.assert_allclose(forward, backward)


def test_chunks_do_not_change_the_evidence(monkeypatch):
    lines = [STORY[: k + 1] for k in range(5)]
    prep = material.prepare(material.items(lines, [TITLE] * 5))
    from dedup.stages.verify import TfidfCosine

    tfidf = TfidfCosine().fit(np.zeros(1 << 20, np.int64), 5)
    pairs = np.array([[i, j] for i in range(5) for j in range(i + 1, 5)])
    whole = ev.evidence(prep, pairs, tfidf).matrix()
    monkeypatch.setattr(ev, "CHUNK_SHINGLES", 10)  # one pair a chunk
    np.testing.assert_allclose(ev.evidence(prep, pairs, tfidf).matrix(), whole)


def test_the_built_in_verifier_loads_and_orders_obvious_cases():
    verifier = Verifier.load()
    found, _ = document_evidence(
        [
            LabelledPair("\n".join(STORY), "\n".join(STORY), True, TITLE, TITLE),
            LabelledPair("\n".join(STORY[:2]), "\n".join(STORY), True, TITLE, "Other title"),
            LabelledPair(
                "Farmers in the north count the cost of a dry summer for their wheat fields.",
                "\n".join(STORY),
                False,
                "Dry summer",
                TITLE,
            ),
        ]
    )
    p = verifier.probability(found)
    assert p[0] >= verifier.threshold and p[1] >= verifier.threshold
    assert p[2] < verifier.threshold


def test_a_verifier_round_trips_through_json_and_refuses_others(tmp_path):
    from dedup.errors import ConfigError

    verifier = Verifier.load()
    path = tmp_path / "model.json"
    path.write_text(verifier.to_json(), encoding="utf-8")
    again = Verifier.load(str(path))
    assert again.digest == verifier.digest
    bad = json.loads(verifier.to_json())
    bad["features"] = bad["features"][:-1]
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ConfigError, match="not a dedup verifier model"):
        Verifier.load(str(path))


def test_the_compiled_kernel_computes_what_numpy_computes():
    from dedup.stages.jit_switch import load_kernels
    from dedup.stages.verify import TfidfCosine

    if load_kernels() is None:
        pytest.skip("numba is not installed (or DEDUP_JIT=0): the kernel is not used")
    rng = np.random.default_rng(11)
    words = [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "Epsilon",
        "12",
        "zeta",
        "eta",
        "Theta",
        "2024",
        "iota",
        "kappa",
        "Bartepen",  # misread facts: near spellings in the same slots
        "Btepen",
        "Bzrtepem",
    ]
    bodies = []
    for _ in range(40):
        base = rng.choice(len(STORY), size=rng.integers(1, 6), replace=False)
        lines = [STORY[k] for k in sorted(base)]
        lines.append(" ".join(rng.choice(words, size=rng.integers(3, 30))))
        bodies.append(lines)
    titles = [TITLE if k % 3 else "CORRECTED - " + TITLE for k in range(40)]
    prep = material.prepare(material.items(bodies, titles))
    tfidf = TfidfCosine().fit(np.zeros(1 << 20, np.int64), 40)
    pairs = np.array([[i, j] for i in range(40) for j in range(40) if i != j])
    numpy_rows = ev.evidence(prep, pairs, tfidf).matrix()
    compiled_rows = ev.evidence(prep, pairs, tfidf, compiled=True).matrix()
    np.testing.assert_allclose(compiled_rows, numpy_rows, rtol=0, atol=1e-12)


def test_the_fit_is_scikit_learns_logistic_regression_when_the_signs_do_not_bind():
    """Where every unconstrained coefficient already has its sign, the bounded solve finds
    what ``sklearn.linear_model.LogisticRegression`` finds on the standardized measures."""
    from sklearn.linear_model import LogisticRegression

    from dedup.stages import verifier

    rng = np.random.default_rng(7)
    names = ev.Evidence.names()
    signs = np.array([ev.SIGNS[n] for n in names], dtype=np.float64)
    x = rng.normal(size=(3000, len(names)))
    x[:, signs == 0] = 2.0  # a sign of 0 ("length", "title"): a constant column, coefficient 0
    logit = x @ (signs * 0.8) - 0.3
    labels = rng.random(3000) < 1.0 / (1.0 + np.exp(-logit))
    weights = rng.uniform(0.5, 2.0, size=3000)
    model = verifier.fit(x, labels, weights=weights, c=0.5, min_coverage=-np.inf)  # keep all
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    reference = LogisticRegression(C=0.5, tol=1e-10, max_iter=10_000)
    reference.fit((x - mean) / scale, labels, sample_weight=weights)
    assert (reference.coef_[0] * signs >= -1e-9).all()  # the signs do not bind
    np.testing.assert_allclose(model.coef, reference.coef_[0], atol=1e-4)
    assert model.intercept == pytest.approx(reference.intercept_[0], abs=1e-4)


def test_a_pair_that_shares_little_of_the_shorter_article_is_never_a_copy():
    model = Verifier.load()
    names = ev.Evidence.names()
    row = np.ones((1, len(names)))  # everything says copy...
    row[0, names.index("topic")] = row[0, names.index("conflicts")] = 0.0
    row[0, names.index("length")] = 4.0
    assert model.probabilities(row)[0] > model.threshold
    for name in ("passages_short", "spans_short", "chars_short"):
        row[0, names.index(name)] = model.min_coverage - 0.01  # ...but half of it is not shared
    assert model.probabilities(row)[0] == 0.0


def test_the_articles_prepared_together_do_not_change_a_pairs_evidence():
    # The last article of a batch has no separator after it: its character grams must not
    # depend on whether another article follows it in the batch.
    from dedup.stages.verify import TfidfCosine

    tfidf = TfidfCosine().fit(np.zeros(1 << 20, np.int64), 3)
    pair = np.array([[0, 1]])
    for k in range(1, len(STORY) + 1):
        for cut in range(0, 40, 3):
            a = [*STORY[: k - 1], STORY[k - 1][: len(STORY[k - 1]) - cut]]
            b = [*STORY, "Un dernier paragraphe."]
            alone = material.prepare(material.items([b, a], [TITLE, TITLE]))
            followed = material.prepare(material.items([b, a, ["Autre."]], [TITLE, TITLE, "x"]))
            np.testing.assert_array_equal(
                ev.evidence(alone, pair, tfidf).matrix(),
                ev.evidence(followed, pair, tfidf).matrix(),
            )
