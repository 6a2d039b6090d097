"""Fitting: calibration to the H1 2020 targets and the per-draw re-calibration.

May import: ``model.core``, ``model.inputs`` and ``model.fitting``.
"""
