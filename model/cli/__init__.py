"""The command line (``python -m model``, ``hzmodel``): parsing arguments and calling the layers below."""

from model.cli.app import main

__all__ = ["main"]
