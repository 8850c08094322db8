import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.stages.normalize import normalize_text


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
    from dedup.stages.normalize import normalize_lines
    from dedup.stages.segment import split_lines

    assert normalize_lines(text) == [normalize_text(line) for line in split_lines(text)]


WHITESPACE = " \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\u2029\u3000\u200b\u00ad\ufeffab"


@settings(max_examples=500, derandomize=True)
@given(st.text(alphabet=WHITESPACE, max_size=30))
def test_normalize_lines_keeps_line_numbers_with_odd_whitespace(text):
    """A removed character between \\r and \\n must not merge two line breaks."""
    from dedup.stages.normalize import normalize_lines
    from dedup.stages.segment import split_lines

    assert normalize_lines(text) == [normalize_text(line) for line in split_lines(text)]
    assert normalize_lines("\r\u200b\n") == ["", "", ""]


def _normalize_lines_by_regex(text):
    """The regex definition normalize_lines had before its fast path (the reference)."""
    import re

    from dedup.stages.normalize import _typography, fold_case

    text = fold_case(_typography(re.sub(r"\r\n|\r|\n", "\n", text)))
    return [line.strip(" ") for line in re.sub(r"[^\S\n]+", " ", text).split("\n")]


def test_odd_spaces_are_every_white_space_but_space_and_newline():
    import re
    import sys

    from dedup.stages.normalize import _ODD_SPACES

    every = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert sorted(_ODD_SPACES) == sorted(set(every) - {" ", "\n"})
    # str.split() and \s in re agree on what white space is.
    assert every == [c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(r"\s", c)]
    assert all(f"a{c}b".split() == ["a", "b"] for c in every)


TRICKY = WHITESPACE + "\u1680\u2000\u2009\u200a\u202f\u205f\u2060\u00b7\u2022x "


@settings(max_examples=1000, derandomize=True)
@given(st.text(alphabet=TRICKY, max_size=40))
def test_normalize_lines_fast_path_equals_regex_definition(text):
    from dedup.stages.normalize import normalize_lines

    assert normalize_lines(text) == _normalize_lines_by_regex(text)


@pytest.mark.parametrize(
    "text",
    ["", " ", "a", "a b", " a", "a ", "a  b", "a\n b", "a \nb", "a\tb", "\r\r\n", "a\u2028b\nc"],
)
def test_normalize_lines_fast_path_on_edges(text):
    from dedup.stages.normalize import normalize_lines

    assert normalize_lines(text) == _normalize_lines_by_regex(text)


@settings(max_examples=2000, derandomize=True)
@given(st.text(max_size=60))
def test_folding_the_typographic_form_gives_the_normalized_form(text):
    """Segments carry the typographic form; comparisons fold its case: word for word, the
    same text as normalizing the original."""
    from dedup.stages.normalize import fold_case, normalize_lines, typographic_lines

    typographic = typographic_lines(text)
    assert [fold_case(line) for line in typographic] == normalize_lines(text)
    assert [len(line.split()) for line in typographic] == [
        len(fold_case(line).split()) for line in typographic
    ]


TYPOGRAPHY = "ab Éé'’«»“”–—…ﬁ\u00a0\u202f\u200b\u00ad\t•-\""


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=TYPOGRAPHY, max_size=40))
def test_typographic_offsets_point_each_form_character_at_its_source(text):
    """Each character of the form comes from one of the original that makes it (its
    image, or white space for a space), in order."""
    from dedup.stages.normalize import _typography, typographic_lines, typographic_offsets

    form = " ".join(typographic_lines(text))
    form = " ".join(form.split())
    offsets = typographic_offsets(text, form)
    assert offsets is not None
    assert len(offsets) == len(form) + 1 and offsets[-1] == len(text)
    assert offsets[:-1] == sorted(offsets[:-1])
    for i, char in enumerate(form):
        source = text[offsets[i]]
        if char == " ":
            assert _typography(source).isspace()
        else:
            assert char in _typography(source)


def test_typographic_offsets_of_every_seed_line():
    from conftest import SEEDS

    from dedup.stages.normalize import typographic_lines, typographic_offsets

    for path in sorted(SEEDS.iterdir()):
        text = path.read_text(encoding="utf-8")
        for line, form in zip(text.splitlines(), typographic_lines(text), strict=False):
            assert typographic_offsets(line, form) is not None, line
