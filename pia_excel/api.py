"""The library's verbs: what the command line (:mod:`pia_excel.cli`) and the Excel add-in (:mod:`pia_excel.addin`)
call. Nothing here prints or exits; failures are :class:`~pia_excel.errors.PiaError` s naming the file.

>>> from pia_excel import api
>>> result = api.load("評価書.xlsx")                 # doctest: +SKIP
>>> report = api.validate(result)                    # doctest: +SKIP
>>> api.save(result.doc, "評価書.json")              # doctest: +SKIP
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .batch import Input, collect_inputs
from .errors import InputError, Issue, PiaError, PlacementError, WorkbookError
from .excel.reader import ReadResult
from .models import DOCUMENTS, Document, new_document
from .models.data import dump_text, to_data
from .spec import load_spec
from .storage import DATA_SUFFIXES, WORKBOOK_SUFFIXES, load, save

__all__ = ["InputError", "Issue", "PiaError", "PlacementError", "ReadResult", "WorkbookError", "load", "new", "save",
           "to_data", "json_schema", "dump_text", "WORKBOOK_SUFFIXES", "DATA_SUFFIXES",
           "ConvertTask", "ConvertResult", "ConvertPlan", "convert_plan", "convert_one"]


def new(form: str, files: int = 1, edition: str | None = None) -> Document:
    """An empty document of ``form`` with ``files`` 特定個人情報ファイル (1-99), of ``edition`` (default: latest)."""
    if not 1 <= files <= 99:
        raise InputError(f"特定個人情報ファイルの数は1～99で指定してください（{files}）")
    if edition is not None:
        try:
            load_spec(form).edition(edition)
        except KeyError as e:
            raise InputError(str(e.args[0])) from None
    return new_document(form, files=files, edition=edition)


def json_schema(form: str) -> dict:
    """JSON Schema of the data format of ``form``."""
    if form not in DOCUMENTS:
        raise InputError(f"未知の様式です: {form}")
    return DOCUMENTS[form].model_json_schema()


# ---------------------------------------------------------------------------------------------- convert
#: output format → suffix of the written files
CONVERT_FORMATS = {"json": ".json", "yaml": ".yaml", "xlsx": ".xlsx"}


def source_suffixes(fmt: str) -> tuple[str, ...]:
    """What a folder contributes for a target format: workbooks for json/yaml, data files for xlsx."""
    return DATA_SUFFIXES if fmt == "xlsx" else WORKBOOK_SUFFIXES


@dataclass(frozen=True)
class ConvertTask:
    src: Path
    dst: Path


@dataclass
class ConvertResult:
    src: Path
    dst: Path
    notes: list[str] = field(default_factory=list)  # reader issues and writer problems, one line each


@dataclass
class ConvertPlan:
    tasks: list[ConvertTask]
    #: inputs that cannot be converted as asked (output collides with an input or another output)
    refused: list[tuple[Path, str]]
    missing: list[str]


def convert_plan(args: Sequence[str | os.PathLike], outdir: Path, fmt: str) -> ConvertPlan:
    """Inputs found under ``args`` and where each one goes below ``outdir`` (same relative path, new suffix)."""
    suffix = CONVERT_FORMATS[fmt]
    inputs, missing = collect_inputs(args, source_suffixes(fmt), exclude=[outdir])
    input_keys = {i.path.resolve() for i in inputs}
    taken: dict[Path, Path] = {}
    tasks: list[ConvertTask] = []
    refused: list[tuple[Path, str]] = []
    for inp in inputs:
        dst = outdir / _target(inp, suffix)
        key = dst.resolve()
        if key in input_keys:
            refused.append((inp.path, f"{inp.path}: 出力先 {dst} が入力ファイルと同じです（入力は上書きしません）"))
        elif key in taken:
            refused.append((inp.path, f"{inp.path}: 出力先 {dst} が {taken[key]} の出力と重なります"))
        else:
            taken[key] = inp.path
            tasks.append(ConvertTask(inp.path, dst))
    return ConvertPlan(tasks, refused, missing)


def _target(inp: Input, suffix: str) -> Path:
    return inp.relative.with_suffix(suffix)


def convert_one(task: ConvertTask) -> ConvertResult:
    """Read ``task.src`` and write it to ``task.dst`` (atomically; folders created). Runs in a worker."""
    result = load(task.src)
    notes = [f"{task.src}: {issue}" for issue in result.issues]
    task.dst.parent.mkdir(parents=True, exist_ok=True)
    problems = save(result.doc, task.dst, strict=True)
    notes += [f"{task.dst}: {p}" for p in problems]
    return ConvertResult(task.src, task.dst, notes)
