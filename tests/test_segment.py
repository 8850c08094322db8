from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.records import Document
from dedup.stages.segment import split_lines, split_paragraphs


def doc(text, fmt="txt", title=True):
    return Document(path=f"a.{fmt}", format=fmt, id="a", text=text, title_in_text=title)


def test_line_mode_one_paragraph_per_line_with_title():
    segs = split_paragraphs(doc("Title\nP one\n\nP two\r\nP three"))
    assert [(s.start, s.end, s.text, s.is_title) for s in segs] == [
        (1, 1, "Title", True),
        (2, 2, "P one", False),
        (4, 4, "P two", False),
        (5, 5, "P three", False),
    ]


def test_markdown_blocks_headings_and_lists():
    text = "# Heading\nfirst line\nsecond line\n\n- item one\n- item two\n\n> quote"
    segs = split_paragraphs(doc(text, "md", title=False))
    assert [(s.start, s.end, s.text) for s in segs] == [
        (1, 1, "Heading"),
        (2, 3, "first line second line"),
        (5, 5, "item one"),
        (6, 6, "item two"),
        (8, 8, "quote"),
    ]


def test_cr_and_crlf_count_as_line_ends():
    assert split_lines("a\r\nb\rc") == ["a", "b", "c"]


@settings(max_examples=200, derandomize=True)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40), max_size=12
    ),
    st.sampled_from(["line", "block"]),
)
def test_segmentation_loses_no_text(lines, mode):
    text = "\n".join(lines)
    segs = split_paragraphs(doc(text), mode)
    kept = "".join("".join(s.text.split()) for s in segs)
    original = "".join("".join(line.split()) for line in split_lines(text))
    assert kept == original


@settings(max_examples=200, derandomize=True)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30), max_size=8
    ),
    st.sampled_from(["txt", "md", "jsonl"]),
    st.sampled_from(["auto", "line", "block"]),
)
def test_normalized_paragraphs_match_segmenting_then_normalizing(lines, fmt, mode):
    from dedup.stages.normalize import fold_case, normalize_lines, normalize_text
    from dedup.stages.segment import normalized_paragraphs

    text = "\n".join(lines)
    d = doc(text, fmt, title=fmt == "txt")
    fast = normalized_paragraphs(d, mode)
    slow = split_paragraphs(
        Document(
            path="a",
            format=fmt,
            id="a",
            text="\n".join(normalize_lines(text)),
            title_in_text=fmt == "txt",
        ),
        mode,
    )
    # Segments carry the typographic form: folding its case gives the normalized text.
    assert [(s.start, s.end, fold_case(s.text), s.is_title) for s in fast] == [
        (s.start, s.end, normalize_text(s.text), s.is_title) for s in slow
    ]


@settings(max_examples=500, derandomize=True)
@given(st.text(alphabet=" \t\r\n\x0b\x0c\x1c\x85\u2028\xa0ab", max_size=30))
def test_line_count_equals_split_lines_without_trailing_blanks(text):
    from dedup.output.findings import _line_count

    lines = split_lines(text)
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    assert _line_count(text) == max(1, len(lines))
