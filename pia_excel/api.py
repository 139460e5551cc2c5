"""The library's verbs: what the command line (:mod:`pia_excel.cli`) and the Excel add-in (:mod:`pia_excel.addin`)
call. Nothing here prints or exits; failures are :class:`~pia_excel.errors.PiaError` s naming the file.

>>> from pia_excel import api
>>> result = api.load("評価書.xlsx")                 # doctest: +SKIP
>>> report = api.validate(result)                    # doctest: +SKIP
>>> [(f.code, f.sheet, f.cell) for f in report.findings]   # doctest: +SKIP
>>> api.save(result.doc, "評価書.json")              # doctest: +SKIP
>>> rows = api.changelog(api.load("旧.xlsx").doc, result.doc, "令和7年2月25日")   # doctest: +SKIP
>>> api.describe("files[1].II.itaku_umu", "juten").cell  # doctest: +SKIP
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .batch import Input, collect_inputs
from . import changelog as _changelog
from .changelog import ProposedRow, changelog_rows

if TYPE_CHECKING:  # the writing half of changelog is imported when first used (openpyxl is slow to import)
    from .changelog.baseline import ChangelogResult, PublishResult
from .spec.parse import parse_item
from .errors import InputError, Issue, PiaError, PlacementError, WorkbookError
from .excel.reader import ReadResult
from .models import DOCUMENTS, Document, new_document
from .models.data import dump_text, to_data
from .rules import Report, reads_of, validate_result
from .rules import validate as validate_document
from .rules.cells import cell_of
from .spec import FORM_NAMES, FormSpec, Item, load_spec
from .spec.labels import finding_label, label_for_path
from .spec.paths import instance_path, node_for_path, split_instance_path
from .storage import DATA_SUFFIXES, WORKBOOK_SUFFIXES, load, save

__all__ = ["InputError", "Issue", "PiaError", "PlacementError", "ReadResult", "WorkbookError", "load", "new", "save",
           "to_data", "json_schema", "dump_text", "WORKBOOK_SUFFIXES", "DATA_SUFFIXES",
           "ConvertTask", "ConvertResult", "ConvertPlan", "convert_plan", "convert_one", "ItemInfo", "describe",
           "describe_all", "items_markdown", "validate", "changelog", "changelog_since_publish", "publish", "pdf",
           "export", "add_file"]


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


# ---------------------------------------------------------------------------------------------- verbs
def validate(source: ReadResult | Document | str | os.PathLike, *, today: dt.date | None = None) -> Report:
    """Check a document with every rule: a read workbook (its cells and reader notices are used), a document, or a
    file (read first). Findings are :class:`~pia_excel.errors.Issue` s with code, sheet and cell."""
    if isinstance(source, (str, os.PathLike)):
        source = load(source)
    if isinstance(source, ReadResult):
        return validate_result(source, today=today)
    return validate_document(source, today=today)


def changelog(old: Document, new: Document, date) -> list[ProposedRow]:
    """The 変更箇所 rows from ``old`` to ``new`` dated ``date`` (和暦), 提出時期 suggested from the ※ marks."""
    return changelog_rows(old, new, date)


def changelog_since_publish(path: str | os.PathLike, date, *, write: bool = True,
                            output: str | os.PathLike | None = None) -> ChangelogResult:
    """The 変更箇所 rows since the version stored by :func:`publish`, appended to the workbook (or ``output``)."""
    return _changelog.changelog_since_baseline(Path(path), date, write=write, output=output)


def publish(path: str | os.PathLike, date, *, output: str | os.PathLike | None = None) -> PublishResult:
    """Set 公表日 and store the current content in the workbook as the base of the next change log."""
    return _changelog.publish(Path(path), date, output=output)


def pdf(source: Document | str | os.PathLike, out: str | os.PathLike, *,
        keep_xlsx: str | os.PathLike | None = None, timeout: float = 300, draft: bool = False):
    """The print-ready PDF of a document or file (LibreOffice, given ``timeout`` seconds), written atomically to
    ``out``. A document that still has a marker left for its author (【要確認】 …) is refused unless ``draft`` (then
    its pages carry 下書き)."""
    from .pdf import write_pdf  # the print copy needs openpyxl: kept off the cold path of reading

    return write_pdf(source, out, keep_xlsx=keep_xlsx, timeout=timeout, draft=draft)


def add_file(path: str | os.PathLike, output: str | os.PathLike | None = None):
    """Add a 特定個人情報ファイル (the Ⅱ/記録項目/Ⅲ sheets of file n+1, their defined names, the file count) to the
    workbook ``path``, written atomically to ``output`` (default: ``path``). Every other part of the workbook is
    kept byte for byte (see :mod:`pia_excel.excel.addfile`). Returns an ``AddFileResult`` (file number, sheets)."""
    from .excel.addfile import add_file as add_file_to_workbook  # writing imports openpyxl: off the cold path

    return add_file_to_workbook(path, output)


def export(inputs: Sequence[str | os.PathLike], output: str | os.PathLike, **options):
    """One table of many workbooks (a row per workbook and per 特定個人情報ファイル) as csv, xlsx or parquet."""
    from .export import export as export_tables  # pandas: kept off the cold path

    return export_tables(inputs, output, **options)


def calendar(inputs: Sequence[str | os.PathLike], output: str | os.PathLike, *, today: dt.date | None = None,
             jobs: int | None = None, progress=None):
    """The re-assessment calendar of many 評価書 (:mod:`pia_excel.organisation.calendar`) written to ``output``
    (.xlsx with a chart, or .csv); returns the :class:`~pia_excel.organisation.CalendarResult`."""
    from .organisation import calendar_rows, write_calendar  # openpyxl: kept off the cold path

    result = calendar_rows(inputs, today=today, jobs=jobs, exclude=[output], progress=progress)
    write_calendar(result, output)
    return result


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


# ---------------------------------------------------------------------------------------------- describe
@dataclass(frozen=True)
class ItemInfo:
    """What the form says about one item (``pia-excel item``, docs/items.md)."""

    form: str
    edition: str
    path: str  # instance path: "files[1].II.itaku_umu"
    template: str  # template path: "II.itaku_umu"
    label: str  # as printed beside the cell: "④委託の有無　※"
    changelog_item: str  # as a 変更箇所 項目: "Ⅱ 特定個人情報ファイルの概要 ４．特定個人情報ファイルの取扱いの委託 …"
    sheet: str | None
    cell: str | None
    important: bool  # a change is a 重要な変更 (※ on the item or on a heading above it)
    star: bool  # ※ printed beside this label itself
    kind: str  # text, date, count, choice, checkboxes, list, table, repeat, heading
    choices: tuple[str, ...] = ()  # ＜選択肢＞
    options: tuple[str, ...] = ()  # checkbox options as printed in this edition ("その他 （　）")
    rules: tuple[str, ...] = ()  # codes of the rules that read the item
    resolved_from: str | None = None  # the printed 項目 text the item was found by
    resolved_how: str | None = None  # how sure: "exact", "typo", "truncated" (:attr:`ParsedItem.sure`)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_text(self) -> str:
        lines = [f"項目: {self.label}", f"変更箇所の項目: {self.changelog_item}", f"項目パス: {self.path}"]
        if self.resolved_from is not None:
            how = _HOW.get(self.resolved_how or "", self.resolved_how or "")
            lines.append(f"読み取り: {self.resolved_from}（{how}）")
        if self.template != self.path:
            lines.append(f"テンプレートパス: {self.template}")
        lines.append(f"シート・セル: {_cell_text(self)}")
        lines.append("※: " + ("あり（重要な変更・事前）" if self.important else "なし"))
        lines.append(f"種類: {self.kind}")
        if self.choices:
            lines.append("＜選択肢＞: " + " / ".join(self.choices))
        if self.options:
            lines.append("チェック欄: " + " / ".join(self.options))
        lines.append("検証ルール: " + (", ".join(self.rules) if self.rules else "なし"))
        lines.append(f"様式: {FORM_NAMES[self.form]}（{self.edition}）")
        return "\n".join(lines) + "\n"


_HOW = {"exact": "記載どおり", "typo": "小さな誤記・番号の違いを補って特定", "truncated": "途中で切れた記載から特定"}


def _cell_text(info: ItemInfo) -> str:
    return f"{info.sheet}!{info.cell}" if info.sheet and info.cell else "-"


_PATH_LIKE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?)*$")


def describe(item: str, form: str, files: int = 1, edition: str | None = None) -> ItemInfo:
    """Describe one item of ``form`` in a document of ``files`` 特定個人情報ファイル of ``edition``.

    ``item`` is an item path (instance "files[1].II.itaku_jiko[2].itaku_naiyo" or template "II.itaku_jiko.itaku_naiyo";
    missing file and slot numbers are 1) or a printed 項目 text as found in 変更箇所 tables ("Ⅱ-4 委託事項1 ②…"),
    read by :func:`pia_excel.spec.parse.parse_item`. Raises :class:`InputError` when it names no item."""
    if form not in DOCUMENTS:
        raise InputError(f"未知の様式です: {form}（juten または zenkomoku）")
    doc = new(form, files=files, edition=edition)
    spec = load_spec(form)
    text = (item or "").strip()
    if not text:
        raise InputError("項目を指定してください")
    resolved_from = how = None
    if _PATH_LIKE.match(text):
        path, node = _instance(spec, text, files)
    else:
        parsed = parse_item(text, form, files=files)
        if parsed.status == "items":
            names = "、".join(finding_label(spec, p, files) for p in parsed.paths)
            raise InputError(f"{text}: 複数の項目を指しています（{names}）。1つずつ指定してください")
        if not parsed.resolved:
            why = {"ambiguous": "複数の項目に当てはまります",
                   "unresolved": "当てはまる項目がありません"}.get(parsed.status, parsed.status)
            if parsed.sure == "candidates":
                why = "様式のどの項目にも当たりません" + ("。近い項目" if parsed.candidates else "")
            detail = "、".join(f"{finding_label(spec, c, files)}（{c}）" for c in parsed.candidates[:3])
            raise InputError(f"{FORM_NAMES[form]}の項目を特定できません: {text}（{why}"
                             + (f": {detail}" if detail else "") + "）")
        path, node = _instance(spec, parsed.path, files)
        resolved_from, how = text, parsed.sure
    return _info(spec, doc, node, path, resolved_from, how)


def _instance(spec: FormSpec, text: str, files: int) -> tuple[str, Item]:
    """The instance path and spec node of an item path (file and slot numbers default to 1)."""
    path = text[len("files."):] if text.startswith("files.") else text
    file_no, template, slots = split_instance_path(path)
    try:
        node = node_for_path(spec, template)
    except KeyError:
        raise InputError(f"{FORM_NAMES[spec.form]}にない項目です: {text}") from None
    if file_no is not None and not node.section.per_file:
        raise InputError(f"{text}: {node.section.heading}は特定個人情報ファイルごとの項目ではありません")
    if file_no is not None and not 1 <= file_no <= files:
        raise InputError(f"{text}: 特定個人情報ファイルは{files}件です（files[{file_no}]）")
    chain = [a for a in node.ancestors() if a.kind == "repeat"]
    for rep in chain + ([node] if node.kind == "repeat" and node.key in slots else []):
        n = slots.setdefault(rep.key, 1)
        if not 1 <= n <= rep.max:
            raise InputError(f"{text}: {rep.label}は{rep.max}件までです（{rep.key}[{n}]）")
    return instance_path(node, slots, file_no or 1), node


def _info(spec: FormSpec, doc: Document, node: Item, path: str, resolved_from: str | None,
          resolved_how: str | None = None) -> ItemInfo:
    edition = spec.edition(doc.edition)
    files = len(doc.files)
    located = cell_of(path, doc=doc)
    if located is None:  # a heading (layout only, not in paths): the first cell below it
        file_no, _, slots = split_instance_path(path)
        for it in node.walk():
            if it is not node and it.has_value:
                inner = {a.key: slots.get(a.key, 1) for a in it.ancestors() if a.kind == "repeat"}
                located = cell_of(instance_path(it, inner, file_no), doc=doc)
                break
    options = tuple(edition.labels.get(o.label, o.label) + (" （　）" if o.detail else "") + (" （　）件" if o.count else "")
                    for o in node.options)
    return ItemInfo(
        form=spec.form, edition=edition.id, path=path, template=node.path, label=node.printed,
        changelog_item=label_for_path(spec, path, {n: None for n in range(1, files + 1)} if files > 1 else None,
                                      edition.id),
        sheet=located[0] if located else None,
        cell=located[1] if located else None, important=node.important, star=node.star, kind=node.value_kind,
        choices=node.choices, options=options, rules=tuple(reads_of(spec.form).get(node.path, ())),
        resolved_from=resolved_from, resolved_how=resolved_how)


def describe_all(form: str, files: int = 1, edition: str | None = None) -> list[ItemInfo]:
    """:func:`describe` of every value item of ``form`` (repeat groups and their first block's items), in print
    order."""
    spec = load_spec(form)
    return [describe(it.path, form, files, edition) for it in spec.value_items()]


def items_markdown() -> str:
    """docs/items.md: every item of both forms (1 file, each form's latest edition)."""
    lines = [
        "# 様式の項目一覧 (items)",
        "",
        "<!-- Generated by `python -m pia_excel.cli.docs items -o docs/items.md`; do not edit by hand. -->",
        "",
        "Every item of both forms as `pia-excel item ITEM --form FORM` describes it: the printed label, the item path,",
        "the sheet and cell in a workbook with one 特定個人情報ファイル (the latest edition), ※ (a change is a",
        "重要な変更), and the validation rules that read it (docs/rules.md). Repeat blocks are shown with their first",
        "block; per-file items with file 1.",
    ]
    for form in DOCUMENTS:
        spec = load_spec(form)
        lines += ["", f"## {FORM_NAMES[form]}（{form}、{spec.default_edition.label}）", "",
                  "| 項目 | 項目パス | シート | セル | ※ | 種類 | 検証ルール |", "|---|---|---|---|---|---|---|"]
        for info in describe_all(form):
            label = info.changelog_item.replace("|", "\\|")
            lines.append(f"| {label} | `{info.path}` | {info.sheet or '-'} | {info.cell or '-'} | "
                         f"{'※' if info.important else ''} | {info.kind} | {', '.join(info.rules) or '-'} |")
    return "\n".join(lines) + "\n"
