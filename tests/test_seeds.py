"""The seed articles: related stories about one event, none a copy of another."""

from conftest import SEEDS, by_kind, run_scan


def places(finding):
    return sorted((loc.path.rsplit("/", 1)[-1][:3], loc.start_line) for loc in finding.locations)


def test_seed_expectations():
    report = run_scan([SEEDS])
    assert report.articles == 5
    assert not by_kind(report, "exact_document")
    assert not by_kind(report, "near_document")
    exact = sorted(places(f) for f in by_kind(report, "exact_paragraph"))
    assert [("001", 7), ("001", 8)] in exact
    assert [("003", 1), ("003", 3)] in exact  # the title twice, other quote marks
    near = sorted(places(f) for f in by_kind(report, "near_paragraph"))
    # 9/15 differ by two words; 1/6 is the lead reworded (Jaccard 0.26, cosine 0.75).
    assert near == [[("001", 1), ("001", 6)], [("001", 9), ("001", 15)]]
    boiler = {p for f in by_kind(report, "boilerplate") if f.part == "line" for p in places(f)}
    assert {("003", 70), ("003", 72), ("003", 74)} <= boiler
    # Nothing else in the seeds is furniture or a repeat.
    assert boiler == {("003", 70), ("003", 72), ("003", 74)}
    assert len(exact) == 2
