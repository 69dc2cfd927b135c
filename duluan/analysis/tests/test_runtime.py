"""batch_gc: rarer cycle collection inside, the process's own settings restored after."""

from __future__ import annotations

import gc

import pytest

from duluan.analysis.runtime import batch_gc


def test_the_threshold_is_raised_inside_and_restored_after_even_on_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), batch_gc(12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_reference_cycles_are_still_collected():
    class Node:
        pass

    with batch_gc(1_000):
        gc.collect()
        for _ in range(5_000):  # cycles only the collector can free
            a, b = Node(), Node()
            a.other, b.other = b, a
        del a, b
        alive = sum(isinstance(o, Node) for o in gc.get_objects())
    # at most one young generation's worth of cycles is left waiting, never all of them
    assert alive < 2 * 1_000
