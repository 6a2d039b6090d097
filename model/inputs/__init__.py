"""Inputs: what the model is given, read and validated before anything runs.

The data in ``data/`` and the base year built from it, the trend regression on the data, the
parameter registry, scenario files and their ``[uncertainty]`` tables, thresholds and goal-seek
targets, and the safe writing of one text file.
May import: ``model.core`` and ``model.inputs``.
"""
