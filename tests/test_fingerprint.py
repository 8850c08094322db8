import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.stages import fingerprint as fp
from dedup.stages import jit_switch
from dedup.stages.exact_hashes import exact_hash
from dedup.stages.normalize import normalize_text

TEXTS = [
    normalize_text(t)
    for t in [
        "Le président russe Vladimir Poutine a démenti les informations du Washington Post",
        "",
        "court",
        "Trump a déclaré au cours de sa campagne qu’il pourrait ramener la paix en Ukraine",
    ]
]


@pytest.mark.parametrize(("num_perm", "seed"), [(16, 1), (128, 7)])
def test_permutations_are_datasketchs(num_perm, seed):
    a, b = fp.permutations(num_perm, seed)
    m = MinHash(num_perm=num_perm, seed=seed)
    assert (m.permutations[0] == a).all()
    assert (m.permutations[1] == b).all()


def test_signatures_equal_datasketch_minhash_updated_per_shingle():
    words = fp.word_hashes(TEXTS)
    sh = fp.shingles(words, 3)
    sig = fp.signatures(sh, len(TEXTS), 64, 7)
    for p in range(len(TEXTS)):
        ref = MinHash(
            num_perm=64, seed=7, hashfunc=lambda b: fp.shingle_hash32(int.from_bytes(b, "little"))
        )
        for h in sh.hashes[sh.paragraph == p].tolist():
            ref.update(int(h).to_bytes(8, "little"))
        assert (ref.hashvalues == sig[p]).all(), p


def test_word_hash_matches_reference_and_ignores_position():
    words = fp.word_hashes(["chat noir", "noir chat"])
    assert words.counts.tolist() == [2, 2]
    assert int(words.hashes[0]) == fp.word_hash("chat") == int(words.hashes[3])
    assert int(words.hashes[1]) == fp.word_hash("noir")


def test_short_paragraph_is_one_shingle_and_empty_has_none():
    sh = fp.shingles(fp.word_hashes(["un deux", "", "a b c d"]), 3)
    assert sh.paragraph.tolist() == [0, 2, 2]
    sig = fp.signatures(sh, 3, 16, 1)
    assert (sig[1] == fp.MAX32).all()
    assert not (sig[0] == fp.MAX32).all()


def test_empty_signatures_never_share_a_band_key():
    sigs = np.full((2, 16), fp.MAX32, dtype=np.uint32)
    assert (fp.band_keys(sigs, 4, 4) == 0).all()


def test_document_signature_is_union_of_paragraphs():
    words = fp.word_hashes(["a b c d e", "f g h i"])
    sh = fp.shingles(words, 3)
    rows = fp.signatures(sh, 2, 32, 1)
    doc = fp.reduce_rows(rows, np.array([0, 0]), 1)
    whole = fp.signatures(fp.Shingles(sh.hashes, np.zeros_like(sh.paragraph)), 1, 32, 1)
    assert (doc == whole).all()


def test_estimated_jaccard_tracks_exact_jaccard():
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(5000)]
    base = list(rng.choice(vocab, 400))
    for keep in (0.2, 0.5, 0.8):
        other = [w if rng.random() < keep else str(rng.choice(vocab)) for w in base]
        words = fp.word_hashes([" ".join(base), " ".join(other)])
        sh = fp.shingles(words, 1)
        sig = fp.signatures(sh, 2, 256, 1)
        a = set(sh.hashes[sh.paragraph == 0].tolist())
        b = set(sh.hashes[sh.paragraph == 1].tolist())
        exact = len(a & b) / len(a | b)
        estimate = float((sig[0] == sig[1]).mean())
        assert abs(estimate - exact) < 0.1, (keep, exact, estimate)


def test_lsh_params_come_from_datasketch():
    lsh = MinHashLSH(threshold=0.3, num_perm=128)
    assert fp.lsh_params(0.3, 128) == (lsh.b, lsh.r)


def test_lsh_table_is_datasketchs():
    for num_perm, table in fp._LSH_TABLE.items():
        for hundredths, params in table.items():
            lsh = MinHashLSH(threshold=hundredths / 100, num_perm=num_perm)
            assert params == (lsh.b, lsh.r), (num_perm, hundredths)
            assert fp.lsh_params(hundredths / 100, num_perm) == params


def test_lsh_params_off_the_table_ask_datasketch():
    for threshold, num_perm in ((0.333, 128), (0.2, 100)):
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert fp.lsh_params(threshold, num_perm) == (lsh.b, lsh.r)


def test_same_config_same_signature():
    a = fp.signatures(fp.shingles(fp.word_hashes(TEXTS), 3), len(TEXTS), 128, 1)
    b = fp.signatures(fp.shingles(fp.word_hashes(TEXTS), 3), len(TEXTS), 128, 1)
    assert (a == b).all()


def test_within_document_pairs_only_pair_paragraphs_of_one_document():
    from dedup.config import MinHashConfig

    base = "le président a démenti les informations selon lesquelles il aurait parlé hier"
    texts = [base, base.replace("hier", "lundi"), base, "tout autre chose ici sans aucun rapport"]
    words = fp.word_hashes(texts)
    sig = fp.signatures(fp.shingles(words, 3), 4, 128, 1)
    par_doc = np.array([0, 0, 1, 1])
    pairs = fp.within_document_pairs(sig, par_doc, words.counts, MinHashConfig())
    assert pairs.tolist() == [[0, 1]]  # 2 is like 0 but in another document; 3 is unrelated


def test_long_tokens_hash_like_the_reference():
    text = "x" * 5000 + " court " + "y" * 40 + " " + "z " * 20 + "q" * 70
    words = fp.word_hashes([text])
    assert [int(h) for h in words.hashes] == [fp.word_hash(t) for t in text.split()]


def test_compiled_signatures_equal_numpy_signatures():
    pytest.importorskip("numba")
    texts = [*TEXTS, "", "un", "deux mots", " ".join(f"w{i}" for i in range(300))]
    sh = fp.shingles(fp.word_hashes(texts), 3)
    with jit_switch.compiled(False):
        expected = fp.signatures(sh, len(texts) + 2, 128, 7)
    with jit_switch.compiled(True):
        assert jit_switch.jit_kernels() is not None
        got = fp.signatures(sh, len(texts) + 2, 128, 7)
    assert jit_switch.jit_kernels() is None
    assert got.dtype == expected.dtype
    assert (got == expected).all()


WORDY = st.text(alphabet=st.sampled_from([*"ab1 \n'-éœ€", "\U0001f600"]), max_size=60)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(WORDY.map(lambda t: t.replace("\n", " ")), max_size=8), st.integers(1, 4))
def test_compiled_words_and_shingles_equal_numpy(texts, ngram_size):
    pytest.importorskip("numba")
    texts = [*texts, "x" * 70]  # a long token takes the numpy path's slow branch
    words = fp.word_hashes(texts)
    sh = fp.shingles(words, ngram_size)
    with jit_switch.compiled(True):
        jit_words = fp.word_hashes(texts)
        jit_sh = fp.shingles(jit_words, ngram_size)
    for name in ("hashes", "paragraph", "counts", "numeric"):
        a, b = getattr(words, name), getattr(jit_words, name)
        assert a.dtype == b.dtype and a.shape == b.shape and (a == b).all(), name
    assert (sh.hashes == jit_sh.hashes).all() and (sh.paragraph == jit_sh.paragraph).all()
    assert sh.hashes.dtype == jit_sh.hashes.dtype


@pytest.mark.parametrize("shuffle", [False, True])
def test_exact_hashes_are_blake2b_of_texts(shuffle):
    from dedup.config import MinHashConfig

    norms = ["titre", "un deux", "", "trois", "titre b", "", "quatre cinq", "x", "", "é"]
    par_doc = np.array([0, 0, 0, 0, 1, 1, 1, 2, 3, 4])
    par_title = np.array([1, 0, 0, 0, 1, 0, 0, 0, 0, 0], dtype=bool)
    if shuffle:
        order = np.array([4, 0, 5, 1, 6, 2, 7, 3, 8, 9])
        norms = [norms[i] for i in order]
        par_doc, par_title = par_doc[order], par_title[order]
    got = fp.fingerprint_paragraphs(fp.Batch(norms, par_doc, par_title, 6), MinHashConfig())
    assert got.par_hash.tolist() == [exact_hash(t) if t else 0 for t in norms]
    bodies = [
        "\n".join(
            t
            for t, d, title in zip(norms, par_doc, par_title, strict=True)
            if d == doc and t and not title
        )
        for doc in range(6)
    ]
    assert got.doc_hash.tolist() == [exact_hash(b) if b else 0 for b in bodies]
