"""The noise policy (issue 4): the texts a sampled fit did not see are placed as HDBSCAN's own noise is."""

import numpy as np

from synthesis.noise import NOISE, NOISE_ISOLATED


def test_texts_left_out_of_the_fit_take_their_nearest_fitted_texts_label():
    from synthesis.noise import assign_unfitted

    axes = np.eye(3, dtype=np.float32)
    fitted = axes[[0, 0, 0, 1, 1, 2]]  # themes 0 (x) and 1 (y), one "non classée" text (z)
    fit_labels = np.array([0, 0, 0, 1, 1, NOISE])
    fit_reduced = np.array([[0, 0], [0, 1], [1, 0], [9, 9], [9, 8], [-9, 9]], dtype=float)
    # theme 1 wins; noise wins; a tie, noise first; noise wins but the text is inside theme 0, among its members
    nearest = np.array([[3, 4, 0], [5, 5, 3], [5, 0, 3], [5, 5, 0]])
    left_out = axes[[1, 2, 2, 0]]
    labels, codes, _, position = assign_unfitted(left_out, fitted, fit_labels, fit_reduced, None, nearest)
    assert labels[0] == 1 and codes[0] == ""  # the plurality of its neighbours
    assert labels[1] == labels[2] == NOISE and codes[1] == codes[2] == NOISE_ISOLATED  # then the noise policy
    assert labels[3] == 0  # the noise policy lets it join
    assert np.allclose(position[0], fit_reduced[[3, 4, 0]].mean(axis=0))
    off = assign_unfitted(left_out, fitted, fit_labels, fit_reduced, None, nearest, policy=False)
    assert (
        off[0].tolist() == [1, NOISE, NOISE, NOISE] and off[1][3] == NOISE_ISOLATED
    )  # policy off: stays out
