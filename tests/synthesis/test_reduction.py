"""The reduction (issues 4 and 8): the density links of a sampled fit, and the libraries' lazy import."""

import numpy as np


def test_density_links_join_the_fitted_texts_a_left_out_text_lies_between():
    from synthesis.reduction import LINK_WEIGHT, density_links

    # three left-out texts: their nearest fitted texts, nearest first; fitted text j is UMAP's row point_of[j]
    # (text 1 has two copies: rows 1 and 2)
    nearest = np.array([[0, 2, 3, 1, 0], [0, 2, 1, 3, 0], [1, 3, 0, 2, 0]])
    point_of = np.array([0, 1, 3, 4])
    links = density_links(nearest, point_of, 5).toarray()
    assert np.allclose(links, links.T) and np.all(np.diag(links) == 0)
    assert links.max() < LINK_WEIGHT and links.min() >= 0
    assert links[2, :].sum() == 0  # the second copy of a text gets no link of its own
    assert links[0, 3] > links[0, 4] > 0  # text 2 (row 3) is the first neighbour after text 0 twice
    assert density_links(nearest[:, :1], point_of, 5).nnz == 0


def test_preloading_from_two_threads_imports_the_libraries_and_restores_numba():
    import sys

    import numba

    from synthesis.reduction import preload_libraries

    original = numba.njit
    threads = [preload_libraries() for _ in range(2)]
    for thread in threads:
        thread.join()
    assert "umap" in sys.modules and "hdbscan" in sys.modules
    assert numba.njit is original
