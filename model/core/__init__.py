"""Core: the model itself, pure functions of named inputs.

Periods, the calendar of date anchors, lags, the parameter classes, the equation blocks, the
levers, ``simulate`` and the indicators; also the error type and the version.  Nothing here reads
a file or a cache: data arrive as arguments (``Inputs``, a block's ``parameters(...)``).
May import: ``model.core`` only.
"""
