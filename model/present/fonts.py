"""A Chinese font for the figures that works on a fresh machine with only Python and pip.

The font is Noto Sans CJK SC (SIL Open Font License 1.1), which the ``mplfonts`` package (a
dependency, installed by pip) ships as a file; it is registered with matplotlib at run time, so no
system font and no font cache rebuild are needed.  DejaVu Sans, matplotlib's own font, stays next
in the list for any glyph the CJK font lacks.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable
from functools import cache
from pathlib import Path

from model.inputs.paths import CACHE_ENV, cache_dir, write_cache

__all__ = ["CACHE_ENV", "CJK_FAMILY", "cache_dir", "cached_subset", "cjk_font_path", "use_cjk_font"]

"""Environment variable naming the cache folder of font subsets (empty: no cache)."""

CJK_FAMILY = "Noto Sans CJK SC"
_FILE = "NotoSansCJKsc-Regular.otf"


def cjk_font_path() -> Path:
    """The path of the Noto Sans CJK SC font file shipped by ``mplfonts``.

    Found without importing ``mplfonts`` (whose ``__init__`` imports matplotlib), so that a run
    with ``--no-figures`` still embeds the font in its HTML briefing without paying for matplotlib.
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the mplfonts package (a dependency) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / _FILE


@cache
def use_cjk_font() -> str:
    """Register the CJK font with matplotlib and put it first among the sans-serif fonts.

    Returns the family name.  Idempotent (cached); call it before drawing any figure.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(cjk_font_path()))
    rest = [f for f in mpl.rcParams["font.sans-serif"] if f != CJK_FAMILY]
    mpl.rcParams["font.sans-serif"] = [CJK_FAMILY, *rest]
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["axes.unicode_minus"] = False  # an ASCII minus: every font has it
    return CJK_FAMILY


def cached_subset(chars: str, options: str, make: Callable[[], bytes]) -> bytes:
    """The subset of the CJK font to ``chars`` made by ``make()``, cached in :func:`cache_dir`.

    Cutting the 16 MB font takes about a second; the same page text gives the same bytes, so the
    subset is kept under the SHA-256 of everything it depends on: the characters, the subsetting
    ``options``, the font file (name, size, modification time) and fontTools' version.  The cache
    is only a shortcut: when it cannot be read or written (no home folder, a read-only disk, a
    damaged entry) the subset is made afresh, with the same bytes.
    """
    folder = cache_dir()
    if folder is None:
        return make()
    from importlib.metadata import version

    font = cjk_font_path()
    stat = font.stat()
    key = "\0".join([chars, options, font.name, str(stat.st_size), str(stat.st_mtime_ns), version("fonttools")])
    path = folder / "font-subsets" / f"{hashlib.sha256(key.encode()).hexdigest()}.otf"
    try:
        data = path.read_bytes()
        if data[:4] == b"OTTO":  # an OpenType (CFF) font, not a truncated or foreign file
            return data
    except OSError:
        pass
    data = make()
    write_cache(path, data)
    return data
