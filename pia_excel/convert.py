"""Convert many workbooks/documents at once: output paths that mirror the inputs, one worker call per file."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from . import api
from .batch import Input, collect_inputs

#: output format → suffix of the written files
FORMATS = {"json": ".json", "yaml": ".yaml", "xlsx": ".xlsx"}


def source_suffixes(fmt: str) -> tuple[str, ...]:
    """What a folder contributes for a target format: workbooks for json/yaml, data files for xlsx."""
    return api.DATA_SUFFIXES if fmt == "xlsx" else api.WORKBOOK_SUFFIXES


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
class Plan:
    tasks: list[ConvertTask]
    #: inputs that cannot be converted as asked (output collides with an input or another output)
    refused: list[tuple[Path, str]]
    missing: list[str]


def plan(args: Sequence[str | os.PathLike], outdir: Path, fmt: str) -> Plan:
    """Inputs found under ``args`` and where each one goes below ``outdir`` (same relative path, new suffix)."""
    suffix = FORMATS[fmt]
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
    return Plan(tasks, refused, missing)


def _target(inp: Input, suffix: str) -> Path:
    return inp.relative.with_suffix(suffix)


def convert_one(task: ConvertTask) -> ConvertResult:
    """Read ``task.src`` and write it to ``task.dst`` (atomically; folders created). Runs in a worker."""
    result = api.load(task.src)
    notes = [f"{task.src}: {issue}" for issue in result.issues]
    task.dst.parent.mkdir(parents=True, exist_ok=True)
    problems = api.save(result.doc, task.dst, strict=True)
    notes += [f"{task.dst}: {p}" for p in problems]
    return ConvertResult(task.src, task.dst, notes)
