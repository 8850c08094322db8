"""Fit the document verifier shipped in ``dedup/data/verifier.json`` (issue 11).

Usage::

    python benchmarks/fit_verifier.py [--out dedup/data/verifier.json] [--no-bbc]

The training pairs are those of :mod:`benchmarks.verifier_pairs`: generated corpora (seeds
:data:`~benchmarks.verifier_pairs.TRAIN_SEEDS`, which no evaluation uses) and, unless
``--no-bbc``, the BBC labelled pairs read in place from ``../shared/datasets`` (only the
fitted coefficients are kept, never the text). The logistic regression and its threshold
are fitted as :func:`~benchmarks.verifier_pairs.fit_model` says; ``make eval`` reports the
BBC figures of models fitted without the pairs they are scored on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import verifier_pairs as vp  # noqa: E402

DEFAULT_OUT = HERE.parent / "dedup" / "data" / "verifier.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-bbc", action="store_true", help="fit on generated pairs only")
    args = parser.parse_args(argv)
    config = vp.default_config()
    parts = [vp.training_pairs(config)]
    sources = [f"generated: {vp.TRAIN_ARTICLES} articles x seeds {list(vp.TRAIN_SEEDS)}"]
    if not args.no_bbc:
        if not vp.bbc_available():
            print(f"fit_verifier: {vp.BBC} not found; use --no-bbc", file=sys.stderr)
            return 2
        parts.append(vp.bbc_pairs(config)[0])
        sources.append("bbc-news-pairs: 246 hand-labelled pairs")
    train = vp.PairSet.concat(parts)
    model = vp.fit_model(
        train,
        meta={
            "fitted": dt.date.today().isoformat(),
            "by": "benchmarks/fit_verifier.py",
            "on": sources,
        },
    )
    args.out.write_text(model.to_json(), encoding="utf-8")
    print(f"{args.out}: threshold {model.threshold}, {train.labels.size} pairs", file=sys.stderr)
    for name, coef in zip(model.features, model.coef, strict=True):
        print(f"  {name:16s} {coef:+.3f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
