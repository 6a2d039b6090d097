"""The three regions the method runs on: China, Zhejiang and Hangzhou, one definition each.

A region names its sectors, where its data are, which lever history applies, and its name for
growth targets.  Hangzhou splits off the digital-economy core in the scenario model (the core's
releases exist for 2018-2020 only, so the backtest runs Hangzhou on its total, like the others);
China and Zhejiang have one total sector and no city lever history.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["REGIONS", "Region", "region"]


@dataclass(frozen=True)
class Region:
    """One region's definition.

    Attributes
    ----------
    name : str
        ``china``, ``zhejiang`` or ``hangzhou`` (as in ``data/releases.csv``).
    sectors : tuple of str
        Sectors of the scenario model: ``("digital", "rest")`` or ``("total",)``.
    lever_history : str or None
        The file of policy history that applies (``data/levers_h1.csv``: Hangzhou's 2020 H1 measures).
    benchmark : str or None
        The region whose growth target anchors this one's trend (``china`` for the sub-national
        regions: the national target plus the region's last premium over national growth).
    """

    name: str
    sectors: tuple[str, ...]
    lever_history: str | None
    benchmark: str | None


REGIONS: dict[str, Region] = {
    "china": Region("china", ("total",), None, None),
    "zhejiang": Region("zhejiang", ("total",), None, "china"),
    "hangzhou": Region("hangzhou", ("digital", "rest"), "levers_h1.csv", "china"),
}


def region(name: str) -> Region:
    """The definition of region ``name``; ``KeyError`` if there is none."""
    return REGIONS[name]
