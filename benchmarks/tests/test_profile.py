"""The profile command reports the stages, the work of each step and the memory."""

from __future__ import annotations

from pathlib import Path

from benchmarks import profile

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_the_profile_of_the_seeds_names_every_stage_and_step(tmp_path, capsys):
    out = tmp_path / "profile.md"
    assert profile.main(["--corpus", str(SEEDS), "--out", str(out)]) == 0
    text = out.read_text()
    assert text == capsys.readouterr().out
    for stage in ("load", "fingerprint", "documents", "paragraphs", "report"):
        assert f"| {stage} |" in text
    assert "| documents: verified | 0 |" in text
    assert "| findings: boilerplate |" in text
    assert "peak RSS (process tree):" in text
