"""One table of many 評価書: a row per workbook and a row per 特定個人情報ファイル (``pia-excel export``).

For a prefecture or the 委員会 going through thousands of workbooks: who assessed what, when it was published,
the しきい値判断, the files with their sizes, 委託 and 提供/移転, and (when validation is available) how many
errors and warnings each workbook has. Written with pandas as CSV (two files), XLSX (two sheets) or Parquet
(two files).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from .atomic import atomic_path
from .batch import Outcome, collect_inputs, run_batch
from .errors import InputError
from .excel.reader import ReadResult
from .excel.tables import csv_frame, text_cells
from .models import Tick
from .rules import validate_result
from .spec import load_spec, paths
from .storage import WORKBOOK_SUFFIXES, load

__all__ = ["FILE_COLUMNS", "WORKBOOK_COLUMNS", "ExportResult", "export", "file_rows", "summarize",
           "write_tables"]

#: columns of the workbook table, in order
WORKBOOK_COLUMNS = ["ファイル", "様式", "様式の版", "評価書番号", "評価書名", "評価実施機関名", "公表日", "公表日(ISO)",
                    "対象人数", "しきい値判断結果", "情報連携 実施の有無", "特定個人情報ファイル数", "エラー数", "警告数",
                    "読取注意数", "読取エラー"]
#: columns of the file table, in order
FILE_COLUMNS = ["ファイル", "ファイル番号", "特定個人情報ファイル名", "対象となる本人の数", "記録される項目", "委託の有無",
                "委託件数", "提供件数", "移転件数", "保有開始日", "保有開始日(ISO)"]

FORMATS = (".csv", ".xlsx", ".parquet")


@dataclass(frozen=True)
class _Task:
    path: Path
    validate: bool


@dataclass
class _Summary:
    workbook: dict[str, Any]
    files: list[dict[str, Any]] = field(default_factory=list)


def _iso(date) -> str | None:
    """ISO 8601 at the date's own precision: 2025-02-25, 2015-10 or 2019."""
    if date is None:
        return None
    d = date.to_date()
    if date.precision == "day":
        return d.isoformat()
    return f"{d.year:04d}-{d.month:02d}" if date.precision == "month" else f"{d.year:04d}"


def _tick_count(ticks: list[Tick], label: str, blocks: list) -> int | None:
    """The "（ N ）件" written beside a ticked box, else the number of filled blocks when the box is ticked."""
    for t in ticks:
        if t.label == label:
            if t.count is not None:
                return t.count
            if t.checked:
                return sum(1 for b in blocks if not b.is_empty())
    return None


def file_rows(doc, name: str) -> list[dict[str, Any]]:
    """One row per 特定個人情報ファイル of ``doc``."""
    rows = []
    spec = load_spec(doc.form)
    for n, _, f in paths.files(doc):
        ii = f.II
        itaku = ii.itaku_umu_count
        if itaku is None and ii.itaku_umu == "委託する":
            itaku = sum(1 for b in ii.itaku_jiko if not b.is_empty())
        rows.append({
            "ファイル": name, "ファイル番号": n, "特定個人情報ファイル名": paths.role_value(spec, f, "file_name"),
            "対象となる本人の数": ii.taisho_honnin_su, "記録される項目": ii.kiroku_komoku, "委託の有無": ii.itaku_umu,
            "委託件数": itaku,
            "提供件数": _tick_count(ii.teikyo_iten_umu, "提供を行っている", ii.teikyo_saki),
            "移転件数": _tick_count(ii.teikyo_iten_umu, "移転を行っている", ii.iten_saki),
            "保有開始日": None if ii.hoyu_kaishi_bi is None else str(ii.hoyu_kaishi_bi),
            "保有開始日(ISO)": _iso(ii.hoyu_kaishi_bi),
        })
    return rows


def summarize(result: ReadResult, name: str, *, validate: bool = True) -> _Summary:
    """The workbook row and the file rows of one read document."""
    doc = result.doc
    cover = doc.cover
    shikiichi = paths.value_at(doc, load_spec(doc.form).role("shikiichi").path)
    errors = warnings = None
    if validate:

        report = validate_result(result)
        errors, warnings = len(report.errors), len(report.warnings)
    row = {
        "ファイル": name, "様式": doc.form, "様式の版": doc.edition, "評価書番号": cover.hyokasho_no,
        "評価書名": cover.hyokasho_mei, "評価実施機関名": cover.hyoka_jisshi_kikan_mei,
        "公表日": None if cover.kohyo_bi is None else str(cover.kohyo_bi), "公表日(ISO)": _iso(cover.kohyo_bi),
        "対象人数": doc.I.taisho_ninzu, "しきい値判断結果": shikiichi, "情報連携 実施の有無": doc.I.renkei_jisshi_umu,
        "特定個人情報ファイル数": len(doc.files), "エラー数": errors, "警告数": warnings,
        "読取注意数": len(result.issues), "読取エラー": None,
    }
    return _Summary(row, file_rows(doc, name))


def _summarize_path(task: _Task) -> _Summary:
    """Batch worker: read one workbook and summarise it (the document itself stays in the worker)."""
    return summarize(load(task.path), str(task.path), validate=task.validate)


@dataclass
class ExportResult:
    workbooks: Any  # pandas.DataFrame
    files: Any  # pandas.DataFrame
    outcomes: list[Outcome]
    written: list[Path]
    validated: bool
    missing: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


def export(inputs: Sequence[str | os.PathLike], output: str | os.PathLike | None = None, *,
           jobs: int | None = None, progress: Callable[[Outcome], None] | None = None,
           validate: bool | None = None) -> ExportResult:
    """Summarise the workbooks found under ``inputs`` (files or folders, recursively) into two tables and write
    them to ``output`` (.csv/.xlsx/.parquet) when given. ``validate`` None: count findings when validation is
    available. Workbooks that cannot be read get a row with 読取エラー and are listed in ``failed``."""
    import pandas as pd

    if output is not None:
        _check_output(Path(output))
    outputs = [] if output is None else [Path(output), files_path(Path(output))]
    found, missing = collect_inputs(inputs, WORKBOOK_SUFFIXES, exclude=outputs)  # never read back its own table
    if output is not None:
        _refuse_inputs(Path(output), [i.path for i in found])
    do_validate = True if validate is None else validate
    tasks = [_Task(i.path, do_validate) for i in found]
    outcomes = run_batch(tasks, _summarize_path, jobs, progress)
    wb_rows, f_rows = [], []
    for o in outcomes:
        if o.ok:
            wb_rows.append(o.value.workbook)
            f_rows += o.value.files
        else:
            wb_rows.append({"ファイル": str(o.item.path), "読取エラー": o.error})
    workbooks = pd.DataFrame(wb_rows, columns=WORKBOOK_COLUMNS)
    files = pd.DataFrame(f_rows, columns=FILE_COLUMNS)
    for df, cols in ((workbooks, ("評価書番号", "特定個人情報ファイル数", "エラー数", "警告数", "読取注意数")),
                     (files, ("ファイル番号", "委託件数", "提供件数", "移転件数"))):
        for c in cols:
            df[c] = df[c].astype("Int64")
    written = write_tables(workbooks, files, Path(output)) if output is not None else []
    return ExportResult(workbooks, files, outcomes, written, do_validate, missing)


def _check_output(path: Path) -> None:
    if path.suffix.lower() not in FORMATS:
        raise InputError(f"{path}: 出力形式を拡張子から判断できません（.csv .xlsx .parquet のいずれか）")
    if path.is_dir():
        raise InputError(f"{path}: フォルダです（出力ファイル名を指定してください）")


def _refuse_inputs(output: Path, inputs: list[Path]) -> None:
    """The table (and the file table beside a CSV/Parquet one) never replaces an input workbook."""
    keys = {p.resolve(): p for p in inputs}
    for out in (output,) if output.suffix.lower() == ".xlsx" else (output, files_path(output)):
        if out.resolve() in keys:
            raise InputError(f"{out}: 入力のブックと同じです（-o には別のファイルを指定してください。入力は上書きしません）")


def files_path(path: Path) -> Path:
    """Where the file table goes for CSV and Parquet: ``name_files.csv`` beside ``name.csv``."""
    return path.with_name(f"{path.stem}_files{path.suffix}")


def write_tables(workbooks, files, path: Path) -> list[Path]:
    """Write both tables (atomically, each file): CSV as UTF-8 with BOM so Excel shows the Japanese right."""
    path = Path(path)
    _check_output(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        def write(tmp: Path) -> None:
            with pd_excel_writer(tmp) as xw:
                workbooks.to_excel(xw, sheet_name="評価書", index=False)
                files.to_excel(xw, sheet_name="特定個人情報ファイル", index=False)
                for ws in xw.book.worksheets:
                    text_cells(ws)  # a value beginning with "=" stays text, never a formula
                    ws.freeze_panes = "B2"
                    for col in ws.columns:
                        width = max(len(str(c.value or "")) for c in list(col)[:200])
                        ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width * 1.6))
        _atomic(path, write)
        return [path]
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError(f"{path}: Parquet の出力には pyarrow が必要です（pip install 'pia-excel[parquet]'）") from None
    second = files_path(path)
    for df, target in ((workbooks, path), (files, second)):
        if suffix == ".csv":
            _atomic(target, lambda tmp, df=df: csv_frame(df).to_csv(tmp, index=False, encoding="utf-8-sig"))
        else:
            _atomic(target, lambda tmp, df=df: df.to_parquet(tmp, index=False))
    return [path, second]


def pd_excel_writer(path: Path):
    import pandas as pd

    return pd.ExcelWriter(path, engine="openpyxl")


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    with atomic_path(path) as tmp:
        write(tmp)