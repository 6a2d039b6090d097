"""Labels of the output variables: Chinese name, English name and unit, in one table.

The table is ``labels.toml`` beside this module.  Every output column has a row (a test checks),
each lever's columns come from templates (``{lever}_injection`` ...), and percentiles of a column
(``difference_p05``) are labelled from the column's own label.

Languages: ``zh`` (Chinese, the default: the users are analysts at Hangzhou's development-and-
reform commission and finance bureau who read Chinese and forward figures and tables unchanged to
people who read only Chinese), ``en`` and ``bilingual`` (Chinese, then English: for a document that
also goes to English readers, or to check a translation).  The code keys (``gdp_real_yoy_ytd``)
stay the column names of the CSVs, so that scripts reading them never depend on a language.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from model.core.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_LANG", "LANGS", "check_lang", "has_label", "header", "label", "lever_name",
           "percent", "rename", "text", "unit", "unit_of", "unit_text"]

LANGS = ("zh", "en", "bilingual")
DEFAULT_LANG = "zh"
"""Chinese by default: see the module docstring."""

_PCT = re.compile(r"^(?P<base>.+)_p(?P<q>\d\d)$")


@cache
def _table() -> dict[str, Any]:
    return tomllib.loads(resources.files("model.present").joinpath("labels.toml").read_text(encoding="utf-8"))


def check_lang(lang: str | None, *, key: str = "--lang") -> str:
    """``lang`` if it is one of :data:`LANGS` (``None`` gives :data:`DEFAULT_LANG`).

    Raises
    ------
    UserError
        Naming ``key`` and the languages expected.
    """
    if lang is None:
        return DEFAULT_LANG
    if lang not in LANGS:
        raise UserError(f"expected one of {', '.join(LANGS)}, got {lang!r}", key=key)
    return lang


def _pick(entry: dict[str, str], lang: str) -> str:
    lang = check_lang(lang, key="lang")
    zh, en = entry["zh"], entry["en"]
    if lang == "bilingual":
        return zh if zh == en else f"{zh} / {en}"
    return zh if lang == "zh" else en


def _entry(name: str) -> dict[str, str] | None:
    t = _table()
    for section in ("variables", "columns"):
        if name in t[section]:
            return t[section][name]
    for pattern, row in t["lever_columns"].items():
        suffix = pattern.removeprefix("{lever}")
        for lever, names in t["levers"].items():
            if name == lever + suffix:
                return {"zh": row["zh"].format(**names), "en": row["en"].format(**names),
                        "unit": row.get("unit", "")}
    m = _PCT.match(name)
    if m:
        base, q = _entry(m["base"]), m["q"]
        pct = _table()["columns"].get(f"p{q}")
        if base is not None and pct is not None:
            return {"zh": f"{base['zh']}：{pct['zh']}", "en": f"{base['en']}, {pct['en']}",
                    "unit": base.get("unit", "")}
    return None


def has_label(name: str) -> bool:
    """Whether ``name`` (a variable or column) has a row in the table."""
    return _entry(name) is not None or name in _table()["indicators"]


def label(name: str, lang: str = DEFAULT_LANG) -> str:
    """The name of variable or column ``name`` in ``lang`` (``name`` itself if it has no label)."""
    if name in _table()["indicators"]:
        name = _table()["indicators"][name]
    entry = _entry(name)
    return name if entry is None else _pick(entry, lang)


def unit_of(name: str) -> str:
    """The unit key of ``name`` (``亿元``, ``%``, ``pp`` ...; empty if it has none)."""
    entry = _entry(_table()["indicators"].get(name, name))
    return "" if entry is None else entry.get("unit", "")


def unit(name: str, lang: str = DEFAULT_LANG) -> str:
    """The unit of ``name`` written in ``lang`` (``亿元``, ``100m yuan`` ...)."""
    return unit_text(unit_of(name), lang)


def unit_text(key: str, lang: str = DEFAULT_LANG) -> str:
    """A unit key (``亿元, 2019 prices``) written in ``lang``."""
    units = _table()["units"]
    return _pick(units[key], lang) if key in units else key


def header(name: str, lang: str = DEFAULT_LANG) -> str:
    """``label (unit)``, as on an axis or a table header."""
    u = unit(name, lang)
    return f"{label(name, lang)}（{u}）" if u and lang != "en" else (f"{label(name, lang)} ({u})" if u else label(name, lang))


def lever_name(lever: str, lang: str = DEFAULT_LANG) -> str:
    """A lever's (or attribution player's) name in ``lang``."""
    row = _table()["levers"].get(lever)
    return lever if row is None else _pick(row, lang)


def text(key: str, lang: str = DEFAULT_LANG, **fields: Any) -> str:
    """A word of the figures and reports (``end_of_data`` ...), with ``{fields}`` filled in."""
    return _pick(_table()["text"][key], lang).format(**fields)


def rename(frame: pd.DataFrame, lang: str = DEFAULT_LANG, *, units: bool = True) -> pd.DataFrame:
    """``frame`` with its columns (and index name) labelled, with units if ``units``."""
    f = header if units else label
    out = frame.rename(columns=lambda c: f(str(c), lang))
    if out.index.name:
        out.index.name = label(str(out.index.name), lang)
    return out


def percent(p: float, *, digits: int = 1) -> str:
    """A probability as a percentage, the same everywhere: ``0.995`` gives ``99.5%``."""
    return f"{100.0 * float(p):.{digits}f}%"
