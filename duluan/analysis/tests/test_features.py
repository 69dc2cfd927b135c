"""The featuriser's counting matches scipy's own COO → CSR conversion."""

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from duluan.analysis.features import count_matrix

occurrences = st.integers(1, 40).flatmap(
    lambda n_rows: st.tuples(
        st.just(n_rows),
        st.lists(st.tuples(st.integers(0, n_rows - 1), st.integers(0, 999)), max_size=300),
    )
)


@given(occurrences)
def test_count_matrix_equals_scipy_sum_of_duplicates(case):
    # given occurrences of (row, column) pairs, repeated and unordered
    n_rows, pairs = case
    rows = np.array([r for r, _ in pairs], dtype=np.int64)
    cols = np.array([c for _, c in pairs], dtype=np.int64)
    # when they are counted
    ours = count_matrix(rows, cols, n_rows, 1000)
    # then the matrix is scipy's, canonical, float32
    theirs = sp.csr_matrix((np.ones(rows.size, np.float32), (rows, cols)), shape=(n_rows, 1000))
    theirs.sum_duplicates()
    assert ours.dtype == np.float32
    assert ours.has_canonical_format
    assert (ours != theirs).nnz == 0
    np.testing.assert_array_equal(ours.indptr, theirs.indptr)
    np.testing.assert_array_equal(ours.indices, theirs.indices)


def test_count_matrix_uses_wide_keys_when_rows_times_columns_overflow_32_bits():
    # given a matrix wider than 2**32 / rows
    rows = np.array([0, 3, 3, 0])
    cols = np.array([(1 << 31) + 5, 7, 7, (1 << 31) + 5])
    # when counted
    m = count_matrix(rows, cols, 4, 1 << 32)
    # then nothing wrapped around
    assert m[0, (1 << 31) + 5] == 2
    assert m[3, 7] == 2
    assert m.nnz == 2
