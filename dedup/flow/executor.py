"""The executor: the one place where the maps run, here in local worker processes and
threads.

:func:`map_shards` runs :func:`dedup.flow.shards.process_shard` over the shards, in order,
and yields their outputs; a distributed executor (Dask) would plug in here, taking the same
shards and configuration (both pickle) and yielding the same outputs.

:func:`thread_map` runs the corpus-wide stages' chunks (the evidence of document pairs) on
threads of the main process, which holds the corpus: their numpy and compiled code releases
the interpreter lock, and threads share the corpus instead of copying it into each worker.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from functools import partial
from typing import TypeVar

import numpy as np

from dedup.config import ScanConfig
from dedup.corpus import ShardOutput
from dedup.flow.shards import process_shard, sample_shard
from dedup.io import inputs
from dedup.stages import fingerprint, jit_switch
from dedup.stages import stock as stock_phrases
from dedup.stages.patterns import load_patterns
from dedup.stages.stock import StockShingles

_In = TypeVar("_In")
_Out = TypeVar("_Out")

#: Articles per worker process from which the compiled kernels are used (when installed).
JIT_MIN_ARTICLES = 2000


_Task = tuple[Callable[..., object], tuple[object, ...], Sequence[inputs.Shard]]


def map_shards(
    shards: Sequence[inputs.Shard], config: ScanConfig, stock: StockShingles | None = None
) -> Iterator[ShardOutput]:
    """Run :func:`process_shard` over ``shards``, in order, on up to ``workers`` processes,
    with the stock phrases ``stock`` (an index's; none by default)."""
    run = _pool(shards, config)
    next(run)
    yield from _outputs(run, run.send((process_shard, (config, stock), shards)))


def sampled_map(
    shards: Sequence[inputs.Shard], config: ScanConfig
) -> tuple[StockShingles, Iterator[ShardOutput]]:
    """The stock phrases of a sample of ``shards`` (:mod:`dedup.stages.stock`), and the
    outputs of :func:`process_shard` with them: both maps on the same workers. An input
    smaller than the sample has none: its candidates do not explode, and a count over few
    articles would take one story's own rewrites for stock phrases."""
    minhash = config.minhash
    run = _pool(shards, config)
    next(run)
    stock = StockShingles(run=minhash.stock_run)
    if minhash.stock_articles > 0 and total_articles(shards) >= minhash.stock_sample:
        sample = inputs.sample_shards(shards, minhash.stock_sample)
        parts = run.send((sample_shard, (config,), sample))
        stock = stock_phrases.frequent_shingles(
            _arrays(parts), minhash.stock_articles, minhash.stock_run
        )
    return stock, _outputs(run, run.send((process_shard, (config, stock), shards)))


def _outputs(
    run: Generator[Iterator[object], _Task, None], items: Iterator[object]
) -> Iterator[ShardOutput]:
    """The shard outputs ``items``; the workers of ``run`` stop after the last."""
    try:
        for item in items:
            assert isinstance(item, ShardOutput)
            yield item
    finally:
        run.close()


def _arrays(items: Iterator[object]) -> Iterator[np.ndarray]:
    for item in items:
        assert isinstance(item, np.ndarray)
        yield item


def _pool(
    shards: Sequence[inputs.Shard], config: ScanConfig
) -> Generator[Iterator[object], _Task, None]:
    """A coroutine that runs maps on the same workers: send it ``(function, arguments,
    shards)`` and it answers with the iterator of ``function(shard, *arguments)`` in order.
    The workers stop when the coroutine is closed (or collected)."""
    workers = min(config.effective_workers, len(shards))
    # Compiled kernels (numba) pay for their loading time (about a second per process) only
    # on large inputs; each worker loads them itself, so that the main process, which holds
    # the corpus, does not carry them.
    jit = total_articles(shards) >= JIT_MIN_ARTICLES * max(1, workers)
    if workers <= 1:
        task = yield iter(())
        while True:
            function, arguments, items = task
            task = yield _in_process(function, arguments, items, jit)
    # fork is the cheapest start and needs no importable __main__, but forking while another
    # thread runs (a progress bar's refresh thread) can copy a held lock into the child:
    # then the forkserver starts workers from a clean single-threaded process instead.
    # Warm what every worker needs (datasketch's banding optimiser, the compiled patterns)
    # once here, so that forked workers inherit it instead of each paying for it.
    fingerprint.lsh_params(config.minhash.doc_threshold, config.minhash.num_perm)
    fingerprint.lsh_params(config.minhash.paragraph_threshold, config.minhash.num_perm)
    load_patterns(config.boilerplate.patterns)
    # Imported here: a check of a few files runs in this process, and should not pay for
    # them at start-up.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if threading.active_count() == 1 else "forkserver"
    if method not in multiprocessing.get_all_start_methods():
        method = "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        multiprocessing.set_forkserver_preload(["dedup.flow.shards"])
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=jit_switch.allow_jit, initargs=(jit,)
    ) as pool:
        task = yield iter(())
        while True:
            # The configuration goes with each shard (a few hundred bytes; the stock
            # phrases, a few hundred kilobytes at most): workers hold no state of their own
            # but the compiled-kernel switch.
            function, arguments, items = task
            task = yield pool.map(partial(_call, function, arguments), items)


def _call(function: Callable[..., object], arguments: tuple[object, ...], shard: object) -> object:
    return function(shard, *arguments)


def _in_process(
    function: Callable[..., object],
    arguments: tuple[object, ...],
    items: Sequence[object],
    jit: bool,
) -> Iterator[object]:
    with jit_switch.compiled(jit):
        for item in items:
            yield function(item, *arguments)


def total_articles(shards: Sequence[inputs.Shard]) -> int:
    """The articles (files, records) the shards hold, as far as known before reading."""
    return sum(len(s.files) or s.count or 1 for s in shards)


def thread_map(
    workers: int,
) -> Callable[[Callable[[_In], _Out], Sequence[_In]], Iterator[_Out]]:
    """A ``map(function, items)`` that yields ``function(item)`` in order, computed on up to
    ``workers`` threads, each item in a copy of the caller's context (the compiled-kernel
    switch goes with it). At most ``workers`` items are computed ahead of the one yielded,
    so that their transient memory stays bounded."""

    def run(function: Callable[[_In], _Out], items: Sequence[_In]) -> Iterator[_Out]:
        if workers <= 1 or len(items) <= 1:
            yield from map(function, items)
            return
        from concurrent.futures import ThreadPoolExecutor  # only where threads run

        with ThreadPoolExecutor(workers, thread_name_prefix="dedup") as pool:
            pending = []
            for item in items:
                context = contextvars.copy_context()
                pending.append(pool.submit(context.run, function, item))
                if len(pending) > workers:
                    yield pending.pop(0).result()
            for future in pending:
                yield future.result()

    return run
