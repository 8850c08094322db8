import threading
import time
from contextvars import ContextVar

from dedup.flow.executor import thread_map

_SEEN: ContextVar[str] = ContextVar("seen", default="unset")


def test_thread_map_keeps_the_order_and_uses_threads():
    names = set()

    def slow_square(x):
        names.add(threading.current_thread().name)
        time.sleep(0.01 * (5 - x % 5))  # later items finish first
        return x * x

    assert list(thread_map(2)(slow_square, list(range(12)))) == [x * x for x in range(12)]
    assert len(names) == 2 and all(n.startswith("dedup") for n in names)


def test_thread_map_runs_each_item_in_the_callers_context():
    token = _SEEN.set("caller")
    try:
        assert list(thread_map(2)(lambda _: _SEEN.get(), [1, 2, 3])) == ["caller"] * 3
    finally:
        _SEEN.reset(token)


def test_thread_map_computes_few_items_ahead():
    started = []

    def record(x):
        started.append(x)
        return x

    results = thread_map(2)(record, list(range(50)))
    assert next(results) == 0
    time.sleep(0.05)
    assert len(started) <= 4  # the one yielded, and at most two more running or done
    assert list(results) == list(range(1, 50))


def test_one_worker_is_the_builtin_map():
    assert list(thread_map(1)(str, [1, 2])) == ["1", "2"]
