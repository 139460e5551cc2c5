"""Validating many inputs, as ``pia-excel validate`` does: which files, one worker call per file (read, validate,
annotate when asked) that sends back rendered reports rather than documents, and the one-row-per-workbook summary.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_path
from ..batch import OUTPUT_NAME
from ..errors import InputError, PiaError
from ..excel.tables import csv_frame, table_suffix, text_cells
from ..spec import FORM_NAMES
from ..storage import load
from ..wareki import WarekiDate, WarekiError
from . import Report, report, validate_result

SUFFIXES = (".xlsx", ".xlsm", ".json", ".yaml", ".yml")


def collect(paths: tuple[Path, ...], exclude: tuple[Path, ...] = ()) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to validate (folders searched recursively; Excel lock files ``~$*``, temporary files, annotated copies
    ``*_検証結果.xlsx`` and the ``exclude`` outputs of this run — files or folders — skipped) and inputs that cannot
    be used, with a message each."""
    files: list[Path] = []
    bad: list[tuple[str, str]] = []
    excluded = {Path(e).resolve() for e in exclude}
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES and not _skipped(f) and not OUTPUT_NAME.search(f.name) \
                        and not (excluded and excluded.intersection([f.resolve(), *f.resolve().parents])):
                    files.append(f)
        elif not p.exists():
            bad.append((str(p), f"{p}: ファイルがありません"))
        elif p.suffix.lower() not in SUFFIXES + (".xls",):  # .xls: the reader explains how to convert it
            bad.append((str(p), f"{p}: 対応していない形式です（.xlsx .xlsm .json .yaml のいずれか）"))
        elif _skipped(p):
            continue
        else:
            files.append(p)
    seen, unique = set(), []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, bad


def _skipped(p: Path) -> bool:
    return p.name.startswith("~$") or p.name.startswith(".~pia-")


def parse_today(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return WarekiDate.parse(text).to_date()
    except WarekiError:
        raise InputError(f"日付として読めません: {text}（例: 2025-03-01 または 令和7年3月1日）") from None


def annotated_name(src: Path, used: set[str]) -> str:
    suffix = src.suffix.lower() if src.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
    base = f"{src.stem}_検証結果"
    name, n = base + suffix, 2
    while name in used:
        name, n = f"{base}_{n}{suffix}", n + 1
    used.add(name)
    return name


def summary_row(rep: Report | None, name: str, note: str = "") -> dict:
    if rep is None:
        return {"file": name, "form": "", "評価書名": "", "評価実施機関名": "", "公表日": "", "errors": None,
                "warnings": None, "note": note}
    cover = rep.doc.cover
    return {"file": name, "form": FORM_NAMES[rep.doc.form], "評価書名": cover.hyokasho_mei or "",
            "評価実施機関名": cover.hyoka_jisshi_kikan_mei or "",
            "公表日": str(cover.kohyo_bi) if cover.kohyo_bi else rep.doc.invalid_values.get("cover.kohyo_bi", ""),
            "errors": len(rep.errors), "warnings": len(rep.warnings), "note": note}


def write_summary(rows: list[dict], out: Path) -> None:
    import pandas as pd  # slow import, kept off the path of a single validation

    df = pd.DataFrame(rows, columns=["file", "form", "評価書名", "評価実施機関名", "公表日", "errors", "warnings", "note"])
    df["errors"] = df["errors"].astype("Int64")
    df["warnings"] = df["warnings"].astype("Int64")
    suffix = table_suffix(out, "一覧の")
    with atomic_path(out) as tmp:
        if suffix == ".csv":
            # BOM: Excel opens it as UTF-8; cells a spreadsheet would run as formulas are escaped
            csv_frame(df).to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            import pandas as pd

            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                df.to_excel(xw, index=False, sheet_name="検証一覧")
                text_cells(xw.book["検証一覧"])  # text stays text, never a formula


@dataclass
class Checked:
    """What a worker sends back for one input: rendered pieces and counts, not the document."""

    name: str
    summary: dict
    text: str | None = None
    data: dict | None = None
    errors: int = 0
    warnings: int = 0
    #: for ``--format json``: this file's findings rendered for :class:`report.JsonStream`, and its ``files`` row
    json_chunk: str | None = None
    file_row: dict | None = None
    #: for ``--across``: what the cross-document checks need of this document
    facts: object | None = None
    unreadable: str | None = None
    write_problem: str | None = None
    notice: str | None = None


def check_one(job: tuple) -> Checked:
    """Read, validate and (when asked) annotate one input; runs in a worker process.

    ``job`` is ``(path, today, in_place, out)``, optionally followed by ``fmt`` and ``across``: with ``fmt``
    ("text" or "json") only that rendering is made (small to send back, nothing for the parent to render);
    without it both ``text`` and ``data``. With ``across`` the document's :class:`across.Facts` come back too."""
    path, today, in_place, out = job[:4]
    fmt = job[4] if len(job) > 4 else None
    with_facts = bool(job[5]) if len(job) > 5 else False
    name = str(path)
    try:
        result = load(path)
    except PiaError as e:
        return Checked(name, summary_row(None, name, str(e).splitlines()[0]), unreadable=str(e))
    except OSError as e:
        return Checked(name, summary_row(None, name, str(e)), unreadable=f"{name}: {e.strerror or e}")
    rep = validate_result(result, today=today)
    checked = Checked(name, summary_row(rep, name), errors=len(rep.errors), warnings=len(rep.warnings))
    if fmt != "json":
        checked.text = report.render_text(rep, name)
    if fmt != "text":
        data = report.report_dict(rep, name)
        if fmt == "json":
            checked.json_chunk, checked.file_row = report.json_findings(data)
        else:
            checked.data = data
    if with_facts:
        from .across import facts_of

        checked.facts = facts_of(result, name)
    try:
        if in_place:
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                report.write_annotated(rep, path, source=path)
            else:
                checked.notice = f"注意: {name}: ブックではないため --in-place では書き込みません"
        elif out is not None:
            if out.resolve() == path.resolve():
                checked.write_problem = f"{out}: 入力と同じファイルです（上書きするには --in-place を使ってください）"
            else:
                report.write_annotated(rep, out, source=path)
    except PiaError as e:  # locked by another writer, open in Excel/LibreOffice, a part that cannot be patched
        checked.write_problem = str(e)
    except PermissionError as e:
        checked.write_problem = getattr(e, "user_message", None) or (
            f"{e.filename or name}: 書き込みの権限がありません（Excelで開いていませんか）")
    except OSError as e:
        checked.write_problem = f"{getattr(e, 'filename', '') or name}: {e.strerror or e}"
    return checked
