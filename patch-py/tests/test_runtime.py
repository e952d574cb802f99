"""The GIL is released during large copies and folds; views keep their
base alive; nothing leaks over 100,000 calls."""

import gc
import random
import resource
import sys
import threading
import time
import tracemalloc

import numpy as np
import pytest

import stridepatch as sp


def longest_pause_during(f):
    """The longest time a spinning Python thread went without running while
    `f()` ran in this one, as a fraction of f's duration: near 1 when f
    holds the GIL throughout, small when f releases it."""
    stamps = []
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            stamps.append(time.perf_counter())

    t = threading.Thread(target=spin)
    t.start()
    time.sleep(0.02)
    start = time.perf_counter()
    f()
    end = time.perf_counter()
    stop.set()
    t.join()
    inside = [start] + [s for s in stamps if start < s < end] + [end]
    pause = max(b - a for a, b in zip(inside, inside[1:]))
    return pause / (end - start), end - start


@pytest.fixture
def one_thread():
    sp.set_num_threads(1)
    yield
    sp.set_num_threads(0)


def test_large_copies_and_folds_release_the_gil(one_thread):
    # The measurement can tell: sorted() runs in C holding the GIL, and the
    # other thread pauses for most of it.
    shuffled = list(range(400_000))
    random.Random(1).shuffle(shuffled)
    held, _ = longest_pause_during(lambda: sorted(shuffled))
    assert held > 0.5, f"the other thread paused only {held:.0%} of sorted()'s time"
    x = np.ones((2048, 2048, 3), np.float32)  # 48 MiB
    plan = sp.Plan(x, (16, 16), step=16, whole=-1)
    out = np.empty(plan.copy_shape(), np.float32)

    def copies():
        for _ in range(8):
            plan.extract(x, out=out)

    pause, seconds = longest_pause_during(copies)
    assert seconds > 0.05, "the copies are too short to tell"
    assert pause < 0.25, f"the other thread paused {pause:.0%} of {seconds:.3f} s of copying"
    back = np.empty_like(x)

    def folds():
        for _ in range(4):
            plan.fold(out, out=back)

    pause, seconds = longest_pause_during(folds)
    assert pause < 0.25, f"the other thread paused {pause:.0%} of {seconds:.3f} s of folding"
    np.testing.assert_array_equal(back, x)


def test_the_view_holds_one_reference_to_its_input():
    x = np.arange(100.0)
    before = sys.getrefcount(x)
    v = sp.windows(x, 10)
    assert sys.getrefcount(x) == before + 1
    w = sp.windows(v, 2, axis=0)  # a view of the view keeps the chain alive
    del v
    gc.collect()
    assert w[0, 0, 0] == 0 and w.base is not None
    del w
    gc.collect()
    assert sys.getrefcount(x) == before


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 1024


def test_no_leak_over_100000_calls():
    x = np.arange(32 * 32 * 3, dtype=np.uint8).reshape(32, 32, 3)
    f = np.ones((8, 8), np.float32)
    plan = sp.Plan(x, (8, 8), step=8, whole=-1)
    out = np.empty(plan.copy_shape(), np.uint8)
    patches = plan.extract(x).astype(np.float32)

    def calls(n):
        for i in range(n):
            k = i % 5
            if k == 0:
                sp.windows(x, (8, 8), axis=(0, 1), step=8)
            elif k == 1:
                plan.extract(x, out=out)
            elif k == 2:
                sp.extract(f, (3, 3), padding="same", mode="reflect")
            elif k == 3:
                plan.fold(patches)
            else:
                try:
                    sp.windows(x, 40, axis=0)
                except sp.PatchError:
                    pass

    calls(20_000)  # warm up: caches, allocator pools
    gc.collect()
    tracemalloc.start()
    rss0 = rss_kib()
    snap0 = tracemalloc.take_snapshot()
    calls(100_000)
    gc.collect()
    snap1 = tracemalloc.take_snapshot()
    rss1 = rss_kib()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in snap1.compare_to(snap0, "filename"))
    # A leak of one small object per call would be megabytes here.
    assert grown < 256 * 1024, f"Python memory grew by {grown} bytes over 100,000 calls"
    assert rss1 - rss0 < 4 * 1024, f"RSS grew by {rss1 - rss0} KiB over 100,000 calls"
