"""The package version, in a leaf that every layer may import (``model.__version__`` re-exports it)."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("hangzhou-scenario-model")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.1.0"
