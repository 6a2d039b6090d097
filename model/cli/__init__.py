"""The command line (``python -m model``, ``hzmodel``): parsing arguments and calling the layers below.

May import: every layer (``core`` to ``present``) and ``model.cli``; shared helpers live in the
leaf ``model.cli.common``, so no sub-command module imports ``model.cli.app`` back.
"""

from model.cli.app import main

__all__ = ["main"]
