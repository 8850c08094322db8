import pytest

from dedup.errors import ConfigError
from dedup.normalize import normalize_text
from dedup.patterns import PatternSet

PATTERNS = PatternSet.load(["fr", "en"])


def match(text):
    return PATTERNS.match(normalize_text(text))


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Laisser un commentaire", "fr/comment-prompt"),
        ("Soyez le premier à commenter", "fr/comment-prompt"),
        (
            "Pour en savoir plus sur le rôle de Trump et ses plans pour l’Ukraine, consultez Politico.",
            "fr/read-more",
        ),
        ("Lire aussi : « Le Kremlin dément »", "fr/read-more"),
        ("Partager sur Facebook", "fr/share"),
        ("Inscrivez-vous à notre newsletter", "fr/newsletter"),
        ("Publié le 12/03/2024 à 10:30 Mis à jour le 12/03/2024 à 11:00", "fr/published-updated"),
        ("© 2025 Le Monde", "fr/copyright"),
        ("Copyright 2008 Reuters. All rights reserved.", "fr/copyright"),
        ("(Photo by John Doe/Getty Images)", "en/photo-credit"),
        ("Sign up for our newsletter", "en/newsletter"),
        ("Advertisement", "en/advertising"),
        ("Be the first to comment", "en/comment-prompt"),
    ],
)
def test_furniture_matches(line, rule):
    found = match(line)
    assert found is not None and found.pattern.rule_id == rule
    assert not found.pattern.prefix


@pytest.mark.parametrize(
    "line",
    [
        "Pour le Kremlin, un gel du conflit offrirait à Kiev une opportunité de se réarmer.",
        "Partager le pouvoir avec l'opposition reste impossible, a-t-il dit.",
        "Lire aussi le rapport complet publié hier par la commission d'enquête sur les crues du sud-ouest",
        "Publié le rapport, les députés ont voté.",
        "Photo prise par un habitant, la vague a submergé la digue en quelques secondes.",
        "Les commentaires du ministre ont provoqué la colère des syndicats agricoles.",
        "Share prices fell sharply on Monday after the announcement.",
        "Print media are in decline across Europe, the study says.",
        "Subscribers to the service will pay more from January, the company said.",
        "Read the statement carefully, the lawyer told the court.",
        "Le ministre a évoqué les droits réservés aux victimes dans la nouvelle loi.",
        "Trump a déclaré au cours de sa campagne qu'il pourrait ramener la paix en Ukraine.",
    ],
)
def test_content_does_not_match(line):
    assert match(line) is None


def test_prefix_dateline():
    found = match(" date 2025-02 Le Kremlin a indiqué jeudi souhaiter une rencontre")
    assert found is not None and found.pattern.prefix
    assert normalize_text(" date 2025-02 Le Kremlin")[: found.end] == "date 2025-02"


def test_template_syntax():
    ps = PatternSet.from_text("xx", "[demo]\nhello … world\n^dated #\n")
    assert ps.match("hello big wide world.") is not None
    assert ps.match("hello world") is None  # a slot takes at least one word
    assert ps.match("dated 2024-05-01 text").end == len("dated 2024-05-01")
    assert len(ps) == 2


@pytest.mark.parametrize("text", ["orphan template\n", "[Bad Name]\nx\n", "[ok]\n… #\n"])
def test_malformed_data_line_names_its_line(text):
    with pytest.raises(ValueError, match=r"xx\.txt:\d"):
        PatternSet.from_text("xx", text)


def test_unknown_language():
    with pytest.raises(ConfigError, match="available: en, fr"):
        PatternSet.load(["xx"])


def test_built_in_lists_load():
    assert len(PatternSet.load(["fr"])) > 50 and len(PatternSet.load(["en"])) > 50
