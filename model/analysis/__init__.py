"""Analysis: runs and what is computed from them, numbers only (no files).

Results, attribution (one coalition switcher), comparison, goal seek, the Monte Carlo (sampling,
montecarlo, draws) and the Sobol sensitivity.
May import: ``model.core``, ``model.inputs``, ``model.fitting`` and ``model.analysis``; and the
leaf ``model.present.plotting`` for the thin ``plot()`` verbs (checked in tests/test_architecture.py).
"""
