import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.normalize import normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("l’armée", "l'armée"),
        ("« pure invention »", '" pure invention "'),
        ("“assez rapidement”", '"assez rapidement"'),
        ("„Zitat“", '"zitat"'),
        ("a\u00a0b\u202fc", "a b c"),
        ("ﬁn de l’eﬀort", "fin de l'effort"),
        ("2022 – 2024 — fin", "2022 - 2024 - fin"),
        ("attendez…", "attendez..."),
        ("Élysée CÔTE côte", "élysée côte côte"),
        ("  • item\tun  ", "item un"),
        ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
    ],
    ids=[
        "apostrophe",
        "guillemets",
        "curly-double",
        "german-quotes",
        "no-break-spaces",
        "ligatures",
        "dashes",
        "ellipsis",
        "accents-kept",
        "bullets-whitespace",
        "invisible",
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_accents_are_not_dropped():
    assert normalize_text("côte") != normalize_text("cote")
    assert normalize_text("e\u0301") == normalize_text("é")  # composed, not stripped


@settings(max_examples=300, derandomize=True)
@given(st.text())
def test_normalize_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_normalize_lines_equals_normalizing_each_line(text):
    from dedup.normalize import normalize_lines
    from dedup.segment import split_lines

    assert normalize_lines(text) == [normalize_text(line) for line in split_lines(text)]


WHITESPACE = " \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\u2029\u3000\u200b\u00ad\ufeffab"


@settings(max_examples=500, derandomize=True)
@given(st.text(alphabet=WHITESPACE, max_size=30))
def test_normalize_lines_keeps_line_numbers_with_odd_whitespace(text):
    """A removed character between \\r and \\n must not merge two line breaks."""
    from dedup.normalize import normalize_lines
    from dedup.segment import split_lines

    assert normalize_lines(text) == [normalize_text(line) for line in split_lines(text)]
    assert normalize_lines("\r\u200b\n") == ["", "", ""]
