"""Defined names of value cells, derived from item paths.

Every value cell carries a workbook-scoped defined name so the reader finds it wherever users move it
(inserted rows, moved blocks). Excel names allow letters, digits, "." and "_", so the path
``files[1].II.itaku_jiko[3].itaku_naiyo`` becomes ``pia.files.1.II.itaku_jiko.3.itaku_naiyo``; a checkbox
option adds ``.o2`` (its mark), ``.o2.detail`` and ``.o2.count``.
"""
from __future__ import annotations

import re

from ..spec.paths import option_path

PREFIX = "pia."
FORM_NAME = "pia.meta.form"
EDITION_NAME = "pia.meta.edition"
FILES_NAME = "pia.meta.files"

_FROM_NAME = re.compile(r"\.(\d+)(?=\.|$)")


def to_name(path: str, suffix: str = "") -> str:
    # plain string operations, not a regex: the reader calls this for every cell
    return PREFIX + path.replace("[", ".").replace("]", "") + suffix


def from_name(name: str) -> str | None:
    """Inverse of :func:`to_name` (without option suffixes); None for names that are not ours."""
    if not name.startswith(PREFIX) or name.startswith("pia.meta."):
        return None
    return _FROM_NAME.sub(r"[\1]", name[len(PREFIX):])


def option_suffix(index: int, part: str = "") -> str:
    """Suffix of a checkbox option's cells; ``index`` is 1-based in form order."""
    return option_path("", index, part)
