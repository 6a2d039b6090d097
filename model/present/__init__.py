"""Present: tables, reports, figures and the files of each command (atomic writes).

May import: every layer below (``core``, ``inputs``, ``fitting``, ``analysis``) and ``model.present``.
``plotting`` and ``tables`` are leaves that import nothing of the model but ``core``.
"""
