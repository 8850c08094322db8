"""The typed tables that cross the map/reduce boundary, and the corpus gathered from them."""

from __future__ import annotations

import pickle

import numpy as np

from dedup.config import ScanConfig
from dedup.corpus import Corpus
from dedup.flow.shards import fingerprint_documents
from dedup.records import Document
from dedup.stages.segment import normalized_paragraphs
from dedup.tables import DocTable, ParTable


def _table(n: int, doc: int = 0) -> ParTable:
    return ParTable(
        doc=np.full(n, doc, np.int64),
        start=np.arange(1, n + 1, dtype=np.int32),
        end=np.arange(1, n + 1, dtype=np.int32),
        title=np.zeros(n, bool),
        tokens=np.arange(n, dtype=np.int64),
        hash=np.arange(n, dtype=np.uint64),
        bands=np.zeros((n, 4), np.uint64),
        pattern=np.full(n, -1, np.int32),
    )


def test_gathered_and_head_keep_rows_and_dtypes():
    a, b = _table(2), _table(3, doc=1)
    columns = {name: [getattr(a, name), getattr(b, name)] for name in ParTable.names()}
    both = ParTable.gathered(columns)
    assert not columns  # each column's parts are dropped as it is built
    assert len(both) == 5 and both.doc.tolist() == [0, 0, 1, 1, 1]
    assert both.bands.shape == (5, 4) and both.start.dtype == np.int32
    for name in ParTable.names():
        assert getattr(both, name).dtype == getattr(a, name).dtype, name
        np.testing.assert_array_equal(getattr(both, name)[:2], getattr(a, name))
    assert both.head(2).tokens.tolist() == [0, 1]
    assert len(ParTable.empty()) == 0 and len(DocTable.empty()) == 0


def test_shard_outputs_pickle_and_gather_with_article_offsets():
    config = ScanConfig()
    docs = [
        Document(
            path=f"{k}.txt", format="txt", id=None, text=f"Titre {k}\nUn paragraphe {k} assez long."
        )
        for k in range(3)
    ]
    segs = [normalized_paragraphs(d, "line") for d in docs]
    first = fingerprint_documents(docs[:2], segs[:2], config)
    second = pickle.loads(pickle.dumps(fingerprint_documents(docs[2:], segs[2:], config)))
    corpus = Corpus.gather([first, second], None, 0)
    assert len(corpus.documents) == 3
    assert corpus.pars.doc.tolist() == [0, 0, 1, 1, 2, 2]
    assert corpus.first_par.tolist() == [0, 2, 4, 6]
    assert (
        len(corpus.docs) == 3
        and corpus.docs.tokens.tolist()
        == first.docs.tokens.tolist() * 1 + second.docs.tokens.tolist()
    )
    assert corpus.forms(2)[1] == "Un paragraphe 2 assez long."
