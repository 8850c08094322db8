"""Built-in boilerplate patterns: the data files, the template syntax and the matcher."""

from __future__ import annotations

import pytest

from dedup.config import BoilerplateConfig
from dedup.errors import ConfigError
from dedup.stages.normalize import normalize_text
from dedup.stages.patterns import LANGUAGES, MAX_WHOLE_LINE_WORDS, Pattern, PatternSet

BUILT_IN = PatternSet.load(["fr", "en"])


def match(text: str, patterns: PatternSet = BUILT_IN):
    return patterns.match(normalize_text(text))


# ----------------------------------------------------------------------- built-in lists

FURNITURE = [
    # The seeds (seeds/003).
    ("Laisser un commentaire", "fr/comment-prompt"),
    ("Soyez le premier à commenter", "fr/comment-prompt"),
    (
        "Pour en savoir plus sur le rôle de Trump et ses plans pour l’Ukraine, consultez Politico.",
        "fr/read-more",
    ),
    ("Pour en savoir plus sur la guerre, consultez notre dossier", "fr/read-more"),
    # Comment prompts.
    ("Commentaires (3)", "fr/comment-prompt"),
    ("Leave a comment", "en/comment-prompt"),
    ("Post a comment", "en/comment-prompt"),
    ("0 comments", "en/comment-prompt"),
    ("Be the first to comment", "en/comment-prompt"),
    # Read more.
    ("Lire aussi : Le Kremlin dément tout appel entre Poutine et Trump", "fr/read-more"),
    ("À lire aussi", "fr/read-more"),
    ("Read more: Trump says his call with Putin went well", "en/read-more"),
    ("READ MORE | Putin and Trump", "en/read-more"),
    ("Related: How the war in Ukraine began", "en/read-more"),
    ("See also", "en/read-more"),
    # Share buttons.
    ("Partager", "fr/share"),
    ("Partager sur Facebook", "fr/share"),
    ("Share this article", "en/share"),
    ("Tweet", "en/share"),
    ("Email", "fr/share"),
    ("Print", "en/share"),
    ("Facebook Twitter LinkedIn Email", "fr/share"),
    # Newsletters and subscriptions.
    ("Inscrivez-vous à notre newsletter", "fr/newsletter"),
    ("Abonnez-vous", "fr/newsletter"),
    ("Sign up for our newsletter", "en/newsletter"),
    ("Subscribe to The Economist", "en/newsletter"),
    ("Already a subscriber? Log in", "en/newsletter"),
    (
        "Il vous reste 79.53% de cet article à lire. La suite est réservée aux abonnés.",
        "fr/newsletter",
    ),
    # Photo credits.
    ("Photo : AFP", "fr/photo-credit"),
    ("© AFP / John Doe", "fr/photo-credit"),
    ("(Photo by John Doe/Getty Images)", "en/photo-credit"),
    ("Crédit photo : Jean Dupont", "fr/photo-credit"),
    ("Image: Reuters", "fr/photo-credit"),
    ("John Doe / AFP", "fr/photo-credit"),
    # Published, updated.
    ("Publié le 12/03/2025 à 10h30 Mis à jour le 12/03/2025 à 11h45", "fr/published-updated"),
    ("Publié le 12 mars 2025 à 10h30, mis à jour le 12 mars 2025 à 11h45", "fr/published-updated"),
    ("Publié le 1er mars 2025", "fr/published-updated"),
    ("Published 3:45 PM EST, Mon March 3, 2025", "en/published-updated"),
    ("Published March 3, 2025 Updated March 4, 2025 10:30 AM ET", "en/published-updated"),
    ("Last updated: 3 March 2025", "en/published-updated"),
    ("Updated 3 hours ago", "en/published-updated"),
    # Copyright.
    ("© 2025 Le Monde", "fr/copyright"),
    ("Copyright 2008 Reuters. All rights reserved.", "fr/copyright"),
    ("Tous droits réservés", "fr/copyright"),
    (
        "© 2025 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed.",
        "en/copyright",
    ),
    # Advertising.
    ("Publicité", "fr/advertising"),
    ("Advertisement", "en/advertising"),
    ("Story continues below advertisement", "en/advertising"),
    # Agency sign-offs.
    (
        "(Reporting by Jane Doe in Washington; Additional reporting by John Roe in London; "
        "Editing by Peter Graff)",
        "en/sign-off",
    ),
    ("Avec AFP", "fr/sign-off"),
    ("(avec AFP)", "fr/sign-off"),
    # Cookies and consent.
    (
        "Nous utilisons des cookies pour améliorer votre expérience sur notre site, analyser "
        "le trafic et personnaliser les contenus et publicités.",
        "fr/consent",
    ),
    ("We use cookies to improve your experience on our site.", "en/consent"),
    ("Tout accepter", "fr/consent"),
    # Tags, follow, click here.
    ("Tags : Russie, Ukraine, Kremlin", "fr/tags"),
    ("Mots-clés : Poutine, Trump", "fr/tags"),
    ("Follow us on Twitter", "en/follow"),
    ("Suivez-nous sur Facebook", "fr/follow"),
    ("Click here to subscribe", "en/click-here"),
    ("Cliquez ici pour lire l'article", "fr/click-here"),
    # Reading time.
    ("5 min read", "en/reading-time"),
    ("Temps de lecture : 3 min", "fr/reading-time"),
]


@pytest.mark.parametrize(("line", "rule"), FURNITURE, ids=[line[:40] for line, _ in FURNITURE])
def test_furniture_matches(line, rule):
    found = match(line)
    assert found is not None
    assert found.pattern.rule_id.startswith(rule + ":")
    assert not found.pattern.prefix
    assert found.end == len(normalize_text(line))


CONTENT = [
    "Pour le Kremlin, un gel du conflit offrirait à Kiev une opportunité de se réarmer.",
    "Pour en savoir plus sur ses motivations, les enquêteurs ont interrogé douze témoins.",
    "Pour en savoir plus, il faudra attendre le procès.",
    "Lire entre les lignes n'est pas toujours facile, reconnaît le diplomate.",
    "Publié le mois dernier, le rapport de l'ONU dénonce des violations graves.",
    "Publié le 12 mars, le texte a été adopté par 312 voix contre 25.",
    "Photo de famille à l'Élysée : les dirigeants européens posent avant le sommet.",
    "Partager les richesses, voilà le défi du prochain gouvernement.",
    "Les commentaires du ministre ont provoqué la colère des syndicats agricoles.",
    "Du côté de l’équipe de Trump, un porte-parole a refusé tout commentaire.",
    "Le logo du journal, marqué ©, a été modifié en 2020, selon la direction.",
    "Tous droits réservés aux victimes, selon le texte adopté mardi.",
    "Avec lui, tout change, estime son entourage.",
    "Accepter un tel accord serait une erreur, selon Kiev.",
    "Crédit immobilier : les taux remontent pour le troisième mois consécutif.",
    "Publicité mensongère : l'entreprise condamnée à 2 millions d'euros d'amende",
    "Sur le même sujet, le ministre de l'Intérieur a refusé de s'exprimer.",
    "La Russie maintient sa position sur le conflit en Ukraine",
    "Le président russe Vladimir Poutine (photo) a démenti les informations.",
    "Share prices fell sharply on Monday after the announcement.",
    "Print media are in decline across Europe, the study says.",
    "Subscribers to the service will pay more from January, the company said.",
    "Read the statement carefully, the lawyer told the court.",
    "Published in 1998, the novel has sold three million copies.",
    "Photos released by the army show destroyed tanks near Kharkiv.",
    "Related to the issue, the senator proposed a bill in 2023.",
    "Reporting by the New York Times revealed the scandal.",
    "Comments made by the president drew sharp criticism from allies.",
    "Copyright law in the US was last reformed in 1976.",
    "Follow the money, the prosecutor told the jury.",
    "Tags were found on the birds by researchers in 2019.",
    "Email records show the minister knew about the contract.",
    "Sponsored by the senator, the bill passed 52-48.",
    "Advertising revenue fell 12% in the third quarter.",
    "Home to 3 million people, the city is growing fast.",
    "Paris (AFP) is one of the largest news agencies in the world.",
]


@pytest.mark.parametrize("line", CONTENT, ids=[line[:40] for line in CONTENT])
def test_content_does_not_match(line):
    assert match(line) is None


def test_seed_dateline_is_a_prefix():
    # seeds/002 starts with " date 2025-02 Le Kremlin a indiqué jeudi souhaiter ..."
    line = normalize_text(" date 2025-02 Le Kremlin a indiqué jeudi souhaiter une rencontre")
    found = BUILT_IN.match(line)
    assert found is not None and found.pattern.prefix
    assert found.pattern.rule_id == "fr/published-updated:^date-N"
    assert line[: found.end] == "date 2025-02"
    assert line[found.end :].strip().startswith("le kremlin")


@pytest.mark.parametrize(
    ("line", "prefix"),
    [
        ("PARIS (AFP) - Le président a annoncé lundi", "paris (afp) -"),
        ("Paris, 3 mars (AFP) — Le président a annoncé", "paris, 3 mars (afp) -"),
        ("WASHINGTON (Reuters) - The U.S. Senate voted", "washington (reuters) -"),
        ("NEW YORK (AP) — Stocks fell on Monday", "new york (ap) -"),
        ("(AFP) - Le président a annoncé lundi", "(afp) -"),
        ("Publié le 12/03/2025 à 10h30 Le Kremlin a démenti", "publié le 12/03/2025 à 10h30"),
        ("Updated 10:30 a.m. ET The Senate voted on Monday", "updated 10:30 a.m. et"),
    ],
    ids=["afp", "afp-date", "reuters", "ap", "agency-only", "publie-le", "updated"],
)
def test_datelines(line, prefix):
    norm = normalize_text(line)
    found = BUILT_IN.match(norm)
    assert found is not None and found.pattern.prefix
    assert norm[: found.end] == prefix


def test_dateline_needs_one_to_three_words():
    assert match("Saint Jean de Luz (AFP) - Le maire a annoncé") is None


def test_long_lines_are_not_tried_against_whole_line_templates():
    ps = PatternSet.from_text("xx", "[demo]\na ... ... ... ... b\n^date #\n")
    fits = " ".join(["a", *["x"] * (MAX_WHOLE_LINE_WORDS - 2), "b"])
    assert ps.match(fits) is not None
    assert ps.match(fits.replace(" b", " x b")) is None
    # ...but prefix templates apply to lines of any length.
    found = ps.match("date 2025-02 " + " ".join(["x"] * 100))
    assert found is not None and found.pattern.prefix


def test_both_lists_load_and_every_category_has_templates():
    for lang in LANGUAGES:
        patterns = PatternSet.load([lang])
        assert len(patterns) > 100
        categories = {p.category for p in patterns.patterns}
        assert {
            "comment-prompt",
            "read-more",
            "share",
            "newsletter",
            "photo-credit",
            "published-updated",
            "copyright",
            "advertising",
            "sign-off",
            "tags",
            "follow",
            "consent",
        } <= categories
        assert all(p.lang == lang for p in patterns.patterns)


def test_load_order_and_repeats():
    fr, en = PatternSet.load(["fr"]), PatternSet.load(["en"])
    assert len(PatternSet.load(["fr", "en", "fr"])) == len(fr) + len(en)
    assert PatternSet.load(["en", "fr"]).patterns[0].lang == "en"
    assert len(PatternSet.load([])) == 0
    assert PatternSet.load([]).match("laisser un commentaire") is None


def test_unknown_language():
    with pytest.raises(ConfigError, match="the built-in lists are fr, en") as info:
        PatternSet.load(["fr", "de"])
    assert info.value.field == "patterns" and info.value.value == "de"
    assert str(info.value).startswith('patterns: no built-in pattern list "de"')
    with pytest.raises(ConfigError, match="the built-in lists are fr, en"):
        BoilerplateConfig(patterns=("fr", "de"))


def test_rule_ids_are_unique_and_readable():
    ids = [p.rule_id for p in BUILT_IN.patterns]
    assert len(ids) == len(set(ids))
    assert "fr/comment-prompt:laisser-un-commentaire" in ids
    assert "fr/read-more:pour-en-savoir-plus-X-consultez-X" in ids
    assert "en/comment-prompt:N-comment" in ids


def test_rule_ids_do_not_depend_on_line_numbers():
    text = "[demo]\nlaisser un commentaire\n^date #\n"
    moved = "# a comment\n\n[demo]\n\n# another\nlaisser un commentaire\n\n^date #\n"
    a, b = PatternSet.from_text("xx", text), PatternSet.from_text("xx", moved)
    assert [p.rule_id for p in a.patterns] == [p.rule_id for p in b.patterns]
    assert [p.rule_id for p in a.patterns] == ["xx/demo:laisser-un-commentaire", "xx/demo:^date-N"]
    assert [p.line for p in b.patterns] == [6, 8]


def test_pattern_fields():
    ps = PatternSet.from_text("xx", "[demo]\n^Publié le # à #\n")
    (p,) = ps.patterns
    assert p == Pattern("xx", "demo", "^Publié le # à #", 2, True)
    assert hash(p) == hash(Pattern("xx", "demo", "^Publié le # à #", 2, True))


# ----------------------------------------------------------------------- template syntax


def one(template: str) -> PatternSet:
    return PatternSet.from_text("xx", f"[demo]\n{template}\n")


@pytest.mark.parametrize(
    ("template", "line", "matches"),
    [
        # A slot is 1 to 12 words of anything.
        ("hello ... world", "hello big wide world", True),
        ("hello ... world", "hello world", False),
        ("hello ... world", "hello " + "x " * 12 + "world", True),
        ("hello ... world", "hello " + "x " * 13 + "world", False),
        ("hello … world", "hello there world", True),
        ("lire aussi ...", "lire aussi: le kremlin dément", True),
        # A number.
        ("# comments", "1,234 comments", False),  # a line starting with '#' is a comment
        ("\\# comments", "1,234 comments", True),
        ("le # à #", "le 12/03/2025 à 10h30", True),
        ("le # à #", "le 2025-02 à 12:30", True),
        ("le # à #", "le douze à midi", False),
        # Choices; an empty alternative makes the choice optional.
        ("{à|a} lire aussi", "a lire aussi", True),
        ("{à|a} lire aussi", "lire aussi", False),
        ("share {this|} article", "share article", True),
        ("share {this|} article", "share this article", True),
        ("réservé{e|} aux abonnés", "réservée aux abonnés", True),
        # Punctuation matches with or without spaces; trailing and leading junk is allowed.
        ("lire aussi :", "lire aussi:", True),
        ("lire aussi :", "lire aussi :", True),
        ("commentaires (#)", "commentaires(3)", True),
        ("laisser un commentaire", "» laisser un commentaire !", True),
        ("laisser un commentaire", "- laisser un commentaire.", True),
        ("laisser un commentaire", "laisser un commentaire ici", False),
        ("laisser un commentaire", "laisser un commentaire (3)", False),
        # A light separator may come before a space between two words.
        ("publié le # mis à jour le #", "publié le 12/03/2025, mis à jour le 13/03/2025", True),
        ("publié le # mis à jour le #", "publié le 12/03/2025 - mis à jour le 13/03/2025", True),
        # Templates are normalized: case, apostrophes, quotes.
        ("Téléchargez L’Application", "téléchargez l'application", True),
        ("read more | ...", "read more | putin and trump", True),
        # A template that begins with a slot.
        ("... / afp", "jean dupont / afp", True),
        ("... / afp", "jean dupont / afp / archives", False),
    ],
)
def test_template_syntax(template, line, matches):
    assert (one(template).match(normalize_text(line)) is not None) == matches


def test_prefix_template_reports_where_it_ends():
    ps = one("^dated #")
    found = ps.match("dated 2024-05-01 the text goes on")
    assert found is not None and found.end == len("dated 2024-05-01")
    assert ps.match("dated 2024-05-01") is not None
    assert ps.match("undated 2024 text") is None
    assert ps.match("dated 2024x text") is None  # must end at a word boundary


def test_prefix_slot_takes_one_to_three_words():
    ps = one("^... (afp) -")
    assert ps.match("paris (afp) - text").end == len("paris (afp) -")
    assert ps.match("rio de janeiro (afp) - text") is not None
    assert ps.match("saint jean de luz (afp) - text") is None


def test_whole_line_templates_are_tried_before_prefix_templates():
    ps = PatternSet.from_text("xx", "[a]\n^date #\n[b]\ndate #\n")
    assert ps.match("date 2025").pattern.category == "b"
    assert ps.match("date 2025 text").pattern.category == "a"


def test_first_template_in_file_order_wins():
    ps = PatternSet.from_text(
        "xx", "[a]\n(reporting by ...)\n[b]\nreporting by ... editing by ...\n"
    )
    assert ps.match("(reporting by jane doe; editing by john roe)").pattern.category == "a"
    assert ps.match("reporting by jane doe; editing by john roe").pattern.category == "b"


def test_the_dispatcher_agrees_with_each_template_alone():
    lines = [normalize_text(line) for line, _ in FURNITURE] + [
        normalize_text(line) for line in CONTENT
    ]
    alone = [(p, PatternSet([p])) for p in BUILT_IN.patterns]
    for line in lines:
        found = BUILT_IN.match(line)
        matching = [p for p, ps in alone if ps.match(line) is not None]
        if found is None:
            assert matching == [], line
        else:
            assert found.pattern in matching, line


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("orphan template\n", 1),
        ("[demo]\n\n[Bad Name]\nx\n", 3),
        ("[demo]\n... ...\n", 2),
        ("[demo]\nhello {world}\n", 2),
        ("[demo]\nhello {world|there\n", 2),
        ("[demo]\nhello {a|...}\n", 2),
        ("[demo]\nhello...\n", 2),
        ("[demo]\n^\n", 2),
        ("[demo]\n{a|}\n", 2),
        ("[demo]\nback\\slash\n", 2),
        ("[demo]\n# comment\nlaisser un commentaire\nLaisser un commentaire !\n", 4),
    ],
    ids=[
        "no-category",
        "bad-category",
        "slots-only",
        "one-alternative",
        "unclosed-choice",
        "slot-in-choice",
        "glued-slot",
        "empty-prefix",
        "optional-only",
        "backslash",
        "duplicate-id",
    ],
)
def test_malformed_line_is_reported_with_its_number(text, line):
    with pytest.raises(ValueError, match=rf"^xx\.txt:{line}: "):
        PatternSet.from_text("xx", text)


def test_every_builtin_alternation_compiles():
    """Alternations are compiled lazily, per key: compile them all here."""
    patterns = PatternSet.load(("fr", "en"))
    for matcher in (patterns._whole, patterns._prefix):
        for ids, built in (
            (matcher._head_ids, matcher._heads),
            (matcher._tail_ids, matcher._tails),
            (matcher._needle_ids, matcher._needles),
        ):
            for key in ids:
                assert matcher._entry(ids, built, key) is not None
            assert len(built) == len(ids)


def _matches(patterns: PatternSet, lines):
    out = []
    for line in lines:
        m = patterns.match(normalize_text(line))
        out.append(None if m is None else (m.pattern.rule_id, m.end))
    return out


_CACHE_LINES = [
    "Laisser un commentaire",
    "Lire aussi : le budget de la ville",
    "PARIS (AFP) - Le gouvernement a annoncé mardi",
    "Le conseil municipal a voté le budget mardi soir.",
    "Share this article",
]


def test_compiled_patterns_are_cached_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("DEDUP_CACHE_DIR", str(tmp_path))
    fresh = PatternSet.load(("fr", "en"))
    cached = tmp_path / "patterns.json"
    assert cached.exists()
    stored = cached.read_bytes()
    again = PatternSet.load(("fr", "en"))
    assert cached.read_bytes() == stored  # a hit does not rewrite it
    assert again.patterns == fresh.patterns
    assert _matches(again, _CACHE_LINES) == _matches(fresh, _CACHE_LINES)
    assert _matches(fresh, _CACHE_LINES)[0] is not None


def test_a_damaged_or_stale_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("DEDUP_CACHE_DIR", str(tmp_path))
    want = _matches(PatternSet.load(("fr",)), _CACHE_LINES)
    cached = tmp_path / "patterns.json"
    good = cached.read_text(encoding="utf-8")
    damaged = [
        "{not json",
        good.replace('"value": [[', '"value": [["x", '),  # a row of the wrong shape
        good.replace(good[9:21], "0" * 12),  # another key
    ]
    for text in damaged:
        cached.write_text(text, encoding="utf-8")
        assert _matches(PatternSet.load(("fr",)), _CACHE_LINES) == want
        assert cached.read_text(encoding="utf-8") == good
    # Other languages are another key: the file is replaced, not mixed.
    PatternSet.load(("en",))
    assert cached.read_text(encoding="utf-8") != good


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("DEDUP_CACHE_DIR", str(blocker / "cache"))
    assert _matches(PatternSet.load(("fr",)), _CACHE_LINES)[0] is not None
    monkeypatch.setenv("DEDUP_CACHE_DIR", "")  # turned off
    assert _matches(PatternSet.load(("fr",)), _CACHE_LINES)[0] is not None
    assert blocker.read_text(encoding="utf-8") == "not a folder"
