"""Human review of a run's themes (issue 6): rename, merge, split, move a contribution, reject a quote.

``ops`` holds the pure edits of a Report; ``store`` records each action (who, when, before, after) and keeps
``runs.reviewed_report``, ``themes`` and ``assignments`` in line; ``carry`` re-applies an earlier run's review
to a new run where it still fits. The automatic report (``runs.report``) is never modified.
"""
