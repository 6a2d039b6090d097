"""A Chinese font for the figures that works on a fresh machine with only Python and pip.

The font is Noto Sans CJK SC (SIL Open Font License 1.1), which the ``mplfonts`` package (a
dependency, installed by pip) ships as a file; it is registered with matplotlib at run time, so no
system font and no font cache rebuild are needed.  DejaVu Sans, matplotlib's own font, stays next
in the list for any glyph the CJK font lacks.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

__all__ = ["CJK_FAMILY", "cjk_font_path", "use_cjk_font"]

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
