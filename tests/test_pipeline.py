"""End-to-end on constructed corpora with exact expected findings (datatrove style)."""

import json

import pytest
from conftest import CORPORA, by_kind, id_sets, run_scan, write_jsonl

SYNDICATION = CORPORA / "syndication.jsonl"


def test_syndication_clusters_exactly():
    report = run_scan([SYNDICATION])
    assert id_sets(report, "exact_document") == [frozenset({"wire-story", "copy-verbatim"})]
    # copy with site furniture and a brief made of the first paragraphs; the unrelated story
    # on the same storm stays out, and so does the rewrite (new headline, every sentence
    # reworded): it keeps the facts, not the sentences, which the labelling guidelines of
    # bbc-news-pairs do not call a copy (rule 2), so both articles are kept.
    assert id_sets(report, "near_document") == [frozenset({"wire-story", "copy-exact", "brief"})]
    near = by_kind(report, "near_document")[0]
    assert near.canonical.id == "wire-story"  # earliest date
    scores = dict(zip([loc.id for loc in near.locations], near.member_scores, strict=True))
    assert scores["brief"].containment == 1.0
    assert scores["brief"].probability >= 0.9 and scores["copy-exact"].probability >= 0.9


def test_site_furniture_is_learned_per_source():
    report = run_scan([SYNDICATION])
    found = by_kind(report, "boilerplate")
    assert sorted(f.template for f in found) == [
        "leave a comment",
        "share this article",
        "sign up for our newsletter",
    ]
    assert {f.source for f in found} == {"dailynews"}
    assert all(len(f.locations) == 4 for f in found)


def test_related_stories_are_not_duplicates(tmp_path):
    records = [json.loads(line) for line in SYNDICATION.read_text().splitlines()]
    keep = {"wire-story", "unrelated-same-topic"}
    path = write_jsonl(tmp_path / "two.jsonl", [r for r in records if r["id"] in keep])
    report = run_scan([path])
    assert not by_kind(report, "near_document") and not by_kind(report, "exact_document")


def test_quote_carried_by_two_outlets_is_not_boilerplate(tmp_path):
    quote = "“We will rebuild everything that was destroyed”, the prefect said."
    leads = [
        "Firefighters worked through the night to reach the villages cut off by the floods.",
        "The mayor announced that the schools would stay closed until the end of the week.",
        "Insurers expect claims to exceed the cost of the storm that hit the coast in 1999.",
        "Volunteers from neighbouring towns brought food, blankets and drinking water.",
    ]
    records = [
        {"id": f"{src}-{i}", "source": src, "text": f"{leads[2 * k + i]}\n{quote}"}
        for k, src in enumerate(("a", "b"))
        for i in range(2)
    ]
    report = run_scan([write_jsonl(tmp_path / "q.jsonl", records)])
    assert not by_kind(report, "boilerplate")
    assert id_sets(report, "exact_paragraph") == [frozenset({"a-0", "a-1", "b-0", "b-1"})]


def test_empty_and_tiny_documents_never_cluster(tmp_path):
    records = [
        {"id": "e1", "text": ""},
        {"id": "e2", "text": ""},
        {"id": "t1", "text": "ok"},
        {"id": "t2", "text": "fine"},
    ]
    report = run_scan([write_jsonl(tmp_path / "e.jsonl", records)])
    assert report.findings == []
    assert report.articles == 4


def test_same_input_same_json(tmp_path):
    first = run_scan([SYNDICATION]).to_dict()
    second = run_scan([SYNDICATION]).to_dict()
    assert json.dumps(first) == json.dumps(second)


def test_excerpts_come_from_the_original_text():
    report = run_scan([SYNDICATION])
    near = by_kind(report, "near_document")[0]
    assert near.excerpt.startswith("Storm Ciaran struck the Atlantic coast of France")
    furniture = next(f for f in by_kind(report, "boilerplate") if f.template == "leave a comment")
    assert furniture.excerpt == "Leave a comment"


@pytest.mark.parametrize("timings", [False, True])
def test_write_json_equals_json_dumps_of_to_dict(timings):
    from dedup.output.report import dumps_indented

    report = run_scan([SYNDICATION])
    assert report.findings
    pieces: list[str] = []
    report.write_json(pieces.append, timings)
    expected = json.dumps(report.to_dict(timings), ensure_ascii=False, indent=2) + "\n"
    assert "".join(pieces) == expected
    assert dumps_indented(report.to_dict(timings)) + "\n" == expected


def test_compiled_kernels_give_the_same_report(monkeypatch):
    pytest.importorskip("numba")
    from dedup.flow import executor, pipeline

    plain = run_scan([SYNDICATION]).to_dict()
    monkeypatch.setattr(executor, "JIT_MIN_ARTICLES", 0)
    monkeypatch.setattr(pipeline, "MAIN_JIT_MIN_ARTICLES", 0)
    assert run_scan([SYNDICATION]).to_dict() == plain


# Site furniture shared by every page of one outlet (learned as templates: menus, footers)...
FURNITURE_HEAD = [
    "Home News World Politics Business Technology Science Health Sport Culture Travel",
    "Local Weather Traffic Schools Crime Courts Elections Obituaries Classifieds Events",
    "Opinion Columns Letters Editorials Cartoons Podcasts Video Photos Puzzles Games",
    "The Riverside Gazette, independent local journalism since 1887",
    "Share this article",
]
FURNITURE_TAIL = [
    "Sign up for our newsletter",
    "Most read Latest stories Editors picks Trending topics Special reports Archives",
    "About us Contact us Careers Advertise with us Terms of use Privacy policy Cookies",
    "Customer service Delivery Digital edition Print edition Gift subscriptions Help",
    "Riverside Gazette Media Group, 14 Harbour Street, Riverside, registered in England",
]
# ...and lines of the built-in patterns that two pages only carry (too few to be learned).
COMMENT_FORM = [
    "Be the first to comment",
    "You must be logged in to post a comment",
    "Your email address will not be published",
    "Save my name, email, and website in this browser for the next time I comment",
    "By signing up you agree to our terms of service and our privacy notice",
    "This story originally appeared in the Riverside Gazette weekend edition",
]
STORIES = [
    [
        "The county council approved a new budget on Tuesday that raises spending on roads",
        "and bridges by a fifth, after two winters of floods damaged the valley routes.",
        "Councillors voted by a narrow margin, and the opposition said the plan would force",
        "an increase in local taxes next spring.",
    ],
    [
        "A rare white stork has nested on the chimney of the old brewery for the first time",
        "in forty years, drawing birdwatchers from across the region to the market square.",
    ],
    [
        "The harbour ferry will stop running on Sundays from next month because the operator",
        "cannot find enough qualified crew, leaving islanders with a single weekday service.",
    ],
    [
        "Students at the technical college built a solar powered boat that finished third",
        "in a national race on the lake, beating teams from much larger universities.",
    ],
    [
        "The town museum reopened its Roman gallery after a two year restoration paid for",
        "by a lottery grant, with a mosaic floor found under the car park on display.",
    ],
]


def test_pages_sharing_only_furniture_are_not_copies(tmp_path):
    """Pages of one site whose naive text is mostly the site's template are compared on
    what is left without their furniture: their stories."""

    def page(story, extra=()):
        return "\n".join([*FURNITURE_HEAD, *story, *extra, *FURNITURE_TAIL])

    records = [
        {
            "id": f"page-{i}",
            "source": "gazette",
            "text": page(s, COMMENT_FORM if i in (1, 2) else ()),
        }
        for i, s in enumerate(STORIES)
    ]
    # A real copy of the first story, with the same furniture and one word added; and a page
    # that is all furniture (an index page), a copy of nothing.
    copy = [line.replace("Tuesday", "Tuesday evening") for line in STORIES[0]]
    records.append({"id": "page-0-copy", "source": "gazette", "text": page(copy)})
    records.append({"id": "index", "source": "gazette", "text": page([])})
    report = run_scan([write_jsonl(tmp_path / "site.jsonl", records)])
    assert id_sets(report, "near_document") == [frozenset({"page-0", "page-0-copy"})]
    # The furniture: templates learned from the site, and built-in patterns.
    rules = {f.rule for f in by_kind(report, "boilerplate")}
    assert "learned/line" in rules
    assert {r.split(":")[0] for r in rules} >= {
        "en/comment-prompt",
        "en/newsletter",
        "en/read-more",
    }
    assert not by_kind(report, "exact_document")


def test_the_report_counts_the_work_of_each_step_with_the_timings():
    report = run_scan([SYNDICATION])
    docs = report.steps["documents"]
    assert docs["candidate_pairs"] >= 2
    # Every candidate pair is verified (again if its furniture changed); an article is
    # prepared once per chunk it is in.
    assert docs["verified"] >= docs["candidate_pairs"]
    assert 2 <= docs["prepared"] <= 2 * docs["verified"]
    assert docs["copies"] >= 2 and docs["near"] == 1
    assert report.steps["paragraphs"]["candidate_pairs"] == report.candidate_pairs["paragraphs"]
    assert "steps" in report.to_dict(timings=True)
    assert "steps" not in report.to_dict()
