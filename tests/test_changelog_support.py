"""Helpers shared by the change-log tests (no tests here): set a value at an instance path, reference rows."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from pia_excel.spec import load_spec

REFERENCE = Path(__file__).with_name("reference")
CHANGELOG_TSV = REFERENCE / "changelog_rows.tsv"
FORMS = {"重点": "juten", "全項目": "zenkomoku"}


def reference_rows() -> list[dict]:
    with open(CHANGELOG_TSV, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def set_path(doc, path: str, value) -> None:
    """Set the value at an instance path ("files[1].II.iten_saki[2].iten_konkyo"), creating blocks as needed."""
    node = doc
    parts = path.split(".")
    for i, part in enumerate(parts):
        m = re.match(r"^(\w+)\[(\d+)\]$", part)
        last = i == len(parts) - 1
        if m:
            key, idx = m.group(1), int(m.group(2))
            lst = getattr(node, key)
            if key != "files":
                block_cls = type(node).model_fields[key].annotation.__args__[0]
                while len(lst) < idx:
                    lst.append(block_cls())
            node = lst[idx - 1]
        elif last:
            # validated through pydantic so choices and dates are checked and converted
            data = node.model_dump()
            data[part] = value
            setattr(node, part, getattr(type(node).model_validate(data), part))
        else:
            node = getattr(node, part)


def get_path(doc, path: str):
    node = doc
    for part in path.split("."):
        m = re.match(r"^(\w+)\[(\d+)\]$", part)
        node = getattr(node, m.group(1))[int(m.group(2)) - 1] if m else getattr(node, part)
    return node


def spec(form: str):
    return load_spec(form)
