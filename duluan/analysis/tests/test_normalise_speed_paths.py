"""Stories for the short cuts of the batch normalisation: each gives what the plain way gives."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis import normalise as N

_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("hoà hòa Ủy ban <url> 0912 345 678 a@b.vn\u200b\u0301😀𐐀İ\n")),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=20,
)


@given(st.lists(st.tuples(_TEXT, st.none() | _TEXT), min_size=1, max_size=8))
@settings(max_examples=500, deadline=None)
@example([("hoà", None), ("0912 345 678", "<phone>"), ("", "😀𐐀"), ("x😀", "")])
@example([("a", "a"), ("b", None), ("\u200bc", "c"), ("", None)])
def test_the_classes_of_a_batch_with_some_texts_replaced_are_those_of_the_new_batch(pairs):
    # given a batch scanned as received, and the same batch with some texts replaced
    texts = [old for old, _ in pairs]
    new_texts = [old if new is None else new for old, new in pairs]
    _, starts, index = N._joined_index(texts, N._PHONE_WINDOW)
    _, masked, lowered = N._batch_tables()

    # when the classes of the new batch are patched from those of the old one
    new_starts, (cls, mapped) = N._patched_classes(texts, starts, index, new_texts, masked, lowered)

    # then they are those of the new batch looked up afresh, with the same tail
    _, fresh_starts, (fresh_cls, fresh_mapped) = N._joined_classes(
        new_texts, N._PHONE_WINDOW, masked, lowered
    )
    assert new_starts.tolist() == fresh_starts.tolist()
    assert np.array_equal(cls, fresh_cls)
    assert np.array_equal(mapped, fresh_mapped)
