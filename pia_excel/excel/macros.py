"""Macro-enabled workbooks (.xlsm) with the 検証 / 変更箇所を作成 / 公表版として確定 buttons.

How one is made (nothing here needs Excel):

1. **VBA project** — ``vbaProject.bin`` is built with pyOpenVBA from the ASCII-only sources: every
   ``macros/*.bas`` of this repository, plus xlwings' standalone module (``xlwings.bas``) and its ``Dictionary``
   class (used on macOS) from the *installed* xlwings, so ``RunPython`` works without the xlwings add-in. The
   project gets the document modules Excel would give a book with the sheets 表紙 and 検証結果 (``ThisWorkbook``,
   ``Sheet1``, ``Sheet2``).
2. **Shell** — XlsxWriter writes a two-sheet .xlsm with that project (``add_vba_project``) and the buttons
   (``insert_button``, legacy VML form buttons whose macro is ``PiaValidate`` etc.) on 表紙 and 検証結果. Row
   heights and column widths of the shell are those of the final sheets, so the buttons' cell anchors land where
   they were drawn.
3. **Fill** — the workbook itself is what :func:`pia_excel.excel.writer.build_workbook` makes (same sheets, defined
   names, dropdowns, protection), plus the 検証結果 sheet; the shell is attached to it the way openpyxl's
   ``load_workbook(keep_vba=True)`` attaches a macro workbook (``vba_archive``, code names, the sheets' legacy
   drawings), so openpyxl writes ``vbaProject.bin`` and the VML buttons byte for byte.

``pia-excel templates build`` writes ``workbook_templates/<form>.xlsm`` for both forms; ``--check`` (and the tests)
compare the committed files with a fresh build by content — cell values, defined names, buttons and VBA module
text — never by bytes.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string

from ..errors import Issue, PlacementError, TemplateError
from ..models import Document, new_document
from ..spec import FORMS
from . import result_sheet
from .result_sheet import RESULT_BUTTON_ROW, RESULT_SHEET
from .layout import LISTS_SHEET
from .writer import build_workbook, save_atomic

ROOT = Path(__file__).resolve().parent.parent.parent
#: the data package the wheel ships ``macros/*.bas`` in (pyproject.toml maps it onto the repository's macros/)
VBA_PACKAGE = "pia_excel._vba"


def _macros_dir() -> Path:
    """Where the VBA sources behind the buttons are: ``PIA_EXCEL_MACROS`` when set; else the directory of the data
    package :data:`VBA_PACKAGE` (an installed wheel); else ``macros/`` of the checkout this code runs from (a
    checkout, and editable installs: setuptools' editable finder does not resolve a data package without
    ``__init__.py`` mapped outside its parent, and macros/ holds only VBA)."""
    if os.environ.get("PIA_EXCEL_MACROS"):
        return Path(os.environ["PIA_EXCEL_MACROS"])
    try:
        spec = importlib.util.find_spec(VBA_PACKAGE)
    except ImportError:  # pragma: no cover
        spec = None
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        if any(Path(location).glob("*.bas")):
            return Path(location)
    return ROOT / "macros"


#: VBA sources (``*.bas``) behind the buttons
MACROS_DIR = _macros_dir()
TEMPLATES_DIR = ROOT / "workbook_templates"

COVER_SHEET = "表紙"
WORKBOOK_CODE_NAME = "ThisWorkbook"
COVER_CODE_NAME = "Sheet1"
RESULT_CODE_NAME = "Sheet2"
COVER_VML = "xl/drawings/vmlDrawing1.vml"
RESULT_VML = "xl/drawings/vmlDrawing2.vml"


@dataclass(frozen=True)
class Button:
    macro: str  # the Sub in macros/PiaButtons.bas
    caption: str
    entry_point: str  # the Python function RunPython calls

    @property
    def command(self) -> str:
        """The RunPython command of the button's Sub."""
        module, func = self.entry_point.rsplit(".", 1)
        return f"import {module}; {self.entry_point}()"


BUTTONS = (
    Button("PiaValidate", "検証", "pia_excel.xl.validate"),
    Button("PiaChangelog", "変更箇所を作成", "pia_excel.xl.changelog"),
    Button("PiaPublish", "公表版として確定", "pia_excel.xl.publish"),
    Button("PiaAddFile", "特定個人情報ファイルを追加", "pia_excel.xl.add_file"),
)
#: 表紙: buttons stacked in column G (right of the printed form; buttons do not print)
COVER_BUTTON_CELL = "G2"
RESULT_BUTTON_COLUMN = "F"
BUTTON_WIDTH = 150  # pixels
BUTTON_HEIGHT = 30
BUTTON_GAP = 8


# ---------------------------------------------------------------------------------------------- VBA sources
@dataclass(frozen=True)
class VBAModule:
    name: str
    source: str  # CRLF line ends, as VBA stores them
    kind: str  # "standard" | "class"
    origin: str  # where the text came from (for messages)


_VB_NAME = re.compile(r'^Attribute VB_Name = "([^"]+)"', re.M)


def _read_ascii(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise TemplateError(f"{path}: {line}行目に ASCII 以外の文字があります（VBA は ASCII のみ。"
                            "利用者向けの文言は Python 側に書いてください）") from None
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _module(path: Path, kind: str) -> VBAModule:
    text = _read_ascii(path)
    m = _VB_NAME.search(text)
    if not m:
        raise TemplateError(f'{path}: Attribute VB_Name = "…" の行がありません')
    return VBAModule(m.group(1), text, kind, str(path))


def xlwings_dir() -> Path:
    """Where the installed xlwings keeps its VBA sources (found without importing xlwings)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.origin:
        raise TemplateError("xlwings がインストールされていません（pip install xlwings）")
    return Path(spec.origin).resolve().parent


def vba_modules(macros_dir: Path | None = None) -> list[VBAModule]:
    """The modules of the templates' VBA project: ours (``macros/*.bas``), then xlwings' standalone module."""
    macros_dir = Path(macros_dir or MACROS_DIR)
    ours = sorted(macros_dir.glob("*.bas"))
    if not ours:
        raise TemplateError(f"{macros_dir}: マクロのソース（*.bas）が見つかりません"
                            "（pia-excel をインストールし直すか、PIA_EXCEL_MACROS で場所を指定してください）")
    modules = [_module(p, "standard") for p in ours]
    xw = xlwings_dir()
    modules.append(_module(xw / "xlwings.bas", "standard"))
    modules.append(_module(xw / "addin" / "Dictionary.cls", "class"))
    seen = set()
    for m in modules:
        if m.name.casefold() in seen:
            raise TemplateError(f"{m.origin}: モジュール名 {m.name} が重複しています")
        seen.add(m.name.casefold())
    return modules


def xlwings_version() -> str:
    return importlib.metadata.version("xlwings")


@lru_cache(maxsize=4)
def _vba_project(modules: tuple[VBAModule, ...]) -> bytes:
    import xlsxwriter
    from pyopenvba import ExcelFile
    from pyopenvba.vba import VBAModuleKind
    import tempfile

    # A book with no project and the two sheets that carry buttons; pyOpenVBA gives it the project Excel would
    # (document modules ThisWorkbook, Sheet1, Sheet2), then our modules are added to it.
    buf = io.BytesIO()
    stub = xlsxwriter.Workbook(buf, {"in_memory": True})
    stub.add_worksheet(COVER_SHEET)
    stub.add_worksheet(RESULT_SHEET)
    stub.close()
    with tempfile.TemporaryDirectory(prefix="pia-vba-") as tmp:
        src = Path(tmp) / "stub.xlsm"
        out = Path(tmp) / "project.xlsm"
        src.write_bytes(buf.getvalue())
        with ExcelFile(src) as f:
            project = f.add_vba_project()
            got = sorted(m.name for m in project.modules)
            want = sorted([WORKBOOK_CODE_NAME, COVER_CODE_NAME, RESULT_CODE_NAME])
            if got != want:  # pragma: no cover - depends on pyOpenVBA's naming
                raise TemplateError(f"pyOpenVBA のドキュメントモジュールが想定と違います: {got}")
            for m in modules:
                kind = VBAModuleKind.other if m.kind == "class" else VBAModuleKind.standard
                project.add_module(m.name, m.source, kind=kind)
            f.save(out)
        with zipfile.ZipFile(out) as z:
            return z.read("xl/vbaProject.bin")


def vba_project(macros_dir: Path | None = None) -> bytes:
    """``vbaProject.bin`` for the templates (deterministic for the same sources)."""
    return _vba_project(tuple(vba_modules(macros_dir)))


# ---------------------------------------------------------------------------------------------- the shell
def cover_button_positions() -> list[tuple[str, int, int]]:
    """(cell, x_offset, y_offset) in pixels of each button on 表紙: stacked in column G."""
    out = []
    y = 0
    for _ in BUTTONS:
        out.append((COVER_BUTTON_CELL, 4, y))
        y += BUTTON_HEIGHT + BUTTON_GAP
    return out


def build_shell(cover, result, project: bytes) -> bytes:
    """The XlsxWriter .xlsm with the VBA project and the buttons; its sheets have the dimensions of ``cover`` and
    ``result`` (openpyxl worksheets of the final book) so the buttons' anchors match."""
    import xlsxwriter

    buf = io.BytesIO()
    x = xlsxwriter.Workbook(buf, {"in_memory": True})
    x.set_vba_name(WORKBOOK_CODE_NAME)
    sheets = []
    for ws, code in ((cover, COVER_CODE_NAME), (result, RESULT_CODE_NAME)):
        s = x.add_worksheet(ws.title)
        s.set_vba_name(code)
        for letter, dim in ws.column_dimensions.items():
            if dim.width:
                c = column_index_from_string(letter) - 1
                s.set_column(c, c, dim.width)
        for r, dim in sorted(ws.row_dimensions.items()):
            if dim.height and r <= 100:
                s.set_row(r - 1, dim.height)
        sheets.append(s)
    x.add_vba_project(io.BytesIO(project), is_stream=True)
    cover_sheet, result_sheet = sheets
    for button, (cell, dx, dy) in zip(BUTTONS, cover_button_positions()):
        cover_sheet.insert_button(cell, {"macro": button.macro, "caption": button.caption, "width": BUTTON_WIDTH,
                                         "height": BUTTON_HEIGHT, "x_offset": dx, "y_offset": dy,
                                         "description": button.caption})
    x_offset = 4
    for button in BUTTONS:  # all in the wide 内容 column, so the anchors do not depend on narrow columns
        result_sheet.insert_button(f"{RESULT_BUTTON_COLUMN}{RESULT_BUTTON_ROW}", {
            "macro": button.macro, "caption": button.caption, "width": BUTTON_WIDTH, "height": 28,
            "x_offset": x_offset, "y_offset": 4, "description": button.caption})
        x_offset += BUTTON_WIDTH + BUTTON_GAP
    x.close()
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------- the workbook
def add_result_sheet(wb: Workbook):
    """The empty 検証結果 sheet (title, note, header row; the buttons go in row 3), before the hidden 選択肢."""
    return result_sheet.add_result_sheet(wb, before=LISTS_SHEET)


def attach_macros(wb: Workbook, project: bytes | None = None) -> None:
    """Give an openpyxl workbook made by ``build_workbook`` the VBA project and the buttons."""
    project = project if project is not None else vba_project()
    if COVER_SHEET not in wb.sheetnames:
        raise TemplateError(f"{COVER_SHEET} シートがありません")
    cover = wb[COVER_SHEET]
    result = add_result_sheet(wb)
    shell = build_shell(cover, result, project)
    # what load_workbook(keep_vba=True) sets up for a macro workbook: openpyxl then copies vbaProject.bin and the
    # VML drawings unchanged and writes the macro-enabled content type
    wb.vba_archive = zipfile.ZipFile(io.BytesIO(shell))
    wb.code_name = WORKBOOK_CODE_NAME
    cover.sheet_properties.codeName = COVER_CODE_NAME
    cover.legacy_drawing = COVER_VML
    result.sheet_properties.codeName = RESULT_CODE_NAME
    result.legacy_drawing = RESULT_VML
    # the 検証 button highlights cells: allow formatting on the protected sheets (content stays locked)
    for ws in wb.worksheets:
        if ws.protection.sheet:
            ws.protection.formatCells = False


def build_xlsm(doc: Document) -> tuple[Workbook, list[Issue]]:
    wb, problems = build_workbook(doc)
    attach_macros(wb)
    return wb, problems


def write_xlsm(doc: Document, path: str | os.PathLike, *, strict: bool = True) -> list[Issue]:
    """Write ``doc`` as a macro-enabled workbook with the buttons (what ``api.save`` does for ``.xlsm``)."""
    wb, problems = build_workbook(doc)
    if problems and strict:
        raise PlacementError(problems, path=path)
    attach_macros(wb)
    save_atomic(wb, Path(path))
    return problems


# ---------------------------------------------------------------------------------------------- templates
def template_documents() -> dict[str, Document]:
    """The documents the committed templates are made from: an empty form of each kind, one file."""

    return {form: new_document(form, files=1) for form in FORMS}


def template_path(form: str, directory: Path | None = None) -> Path:
    return Path(directory or TEMPLATES_DIR) / f"{form}.xlsm"


def template_bytes(doc: Document) -> bytes:
    """The template as saved by :func:`write_xlsm` (strings shared, as Excel saves them)."""
    wb, problems = build_xlsm(doc)
    if problems:  # pragma: no cover - empty documents always fit
        raise PlacementError(problems)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsm"
        save_atomic(wb, path)
        return path.read_bytes()


@dataclass
class BuildResult:
    path: Path
    status: str  # "written" | "unchanged" | "outdated" | "missing"
    differences: list[str]


def build_templates(directory: Path | None = None, *, check: bool = False) -> list[BuildResult]:
    """Build (or with ``check`` only compare) the committed templates."""
    directory = Path(directory or TEMPLATES_DIR)
    results = []
    for form, doc in template_documents().items():
        path = template_path(form, directory)
        data = template_bytes(doc)
        if path.exists():
            diffs = compare_content(template_content(io.BytesIO(data)), template_content(path))
        else:
            diffs = ["ファイルがありません"]
        if check:
            status = "unchanged" if not diffs else ("missing" if not path.exists() else "outdated")
        elif diffs:
            directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".~{path.name}")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            status = "written"
        else:
            status = "unchanged"
        results.append(BuildResult(path, status, diffs))
    return results


# ---------------------------------------------------------------------------------------------- content
_ATTRIBUTE_LINE = re.compile(r"^Attribute VB_\w+ = .*$", re.M)


def normalize_vba(source: str) -> str:
    """Module text without attribute lines and class preambles, LF line ends, no trailing blanks."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"\AVERSION 1\.0 CLASS\nBEGIN\n.*?\nEND\n", "", text, flags=re.S)
    text = _ATTRIBUTE_LINE.sub("", text)
    lines = [ln.rstrip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines).strip("\n") + "\n"


def read_buttons(source) -> dict[str, list[tuple[str, str]]]:
    """Sheet → [(caption, macro)] of the VML form buttons in an .xlsx/.xlsm."""
    from xml.etree import ElementTree as ET

    out: dict[str, list[tuple[str, str]]] = {}
    with zipfile.ZipFile(source) as z:
        wbxml = ET.fromstring(z.read("xl/workbook.xml"))
        ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
              "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
        rels = _rels(z, "xl/_rels/workbook.xml.rels")
        for sheet in wbxml.find("m:sheets", ns):
            rid = sheet.get(f"{{{ns['r']}}}id")
            part = _resolve("xl/workbook.xml", rels[rid][0])
            srels = _rels(z, _rels_path(part))
            for target, rtype in srels.values():
                if rtype.endswith("/vmlDrawing"):
                    vml = z.read(_resolve(part, target)).decode("utf-8")
                    out.setdefault(sheet.get("name"), []).extend(_vml_buttons(vml))
    return out


def _rels_path(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def _rels(z: zipfile.ZipFile, path: str) -> dict[str, tuple[str, str]]:
    from xml.etree import ElementTree as ET

    if path not in z.namelist():
        return {}
    root = ET.fromstring(z.read(path))
    return {r.get("Id"): (r.get("Target"), r.get("Type")) for r in root}


def _resolve(base_part: str, target: str) -> str:
    import posixpath

    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def _vml_buttons(vml: str) -> list[tuple[str, str]]:
    out = []
    for shape in re.findall(r"<v:shape\b.*?</v:shape>", vml, flags=re.S):
        if 'ObjectType="Button"' not in shape:
            continue
        macro = re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", shape, flags=re.S)
        caption = re.sub(r"<[^>]+>", "", (re.search(r"<v:textbox\b.*?</v:textbox>", shape, flags=re.S) or [""])[0])
        out.append((caption.strip(), macro.group(1).strip() if macro else ""))
    return out


def read_vba_modules(source) -> dict[str, str]:
    """Module name → normalized source text of the VBA project of an .xlsm (path or bytes stream)."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import parse_vba_project

    with zipfile.ZipFile(source) as z:
        if "xl/vbaProject.bin" not in z.namelist():
            return {}
        data = z.read("xl/vbaProject.bin")
    project = parse_vba_project(CFB.from_bytes(data))
    return {m.name: normalize_vba(m.source) for m in project.modules}


def template_content(source) -> dict[str, Any]:
    """What a template *is*, for comparisons: sheets (order, state, non-empty cell values), defined names,
    buttons (caption → macro per sheet) and the text of the VBA modules."""
    if isinstance(source, io.BytesIO):
        source.seek(0)
    wb = load_workbook(source, read_only=True, keep_vba=False)
    sheets = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if getattr(c, "value", None) not in (None, ""):
                    cells[c.coordinate] = c.value
        sheets[ws.title] = {"state": ws.sheet_state, "cells": cells}
    names = {n: dn.attr_text for n, dn in wb.defined_names.items()}
    if isinstance(source, io.BytesIO):
        source.seek(0)
    buttons = read_buttons(source)
    if isinstance(source, io.BytesIO):
        source.seek(0)
    modules = read_vba_modules(source)
    order = wb.sheetnames
    wb.close()
    return {"sheet_order": order, "sheets": sheets, "names": names, "buttons": buttons, "vba": modules}


def compare_content(want: dict, got: dict, limit: int = 20) -> list[str]:
    """Human-readable differences between two :func:`template_content` results (empty when equal)."""
    diffs: list[str] = []
    if want["sheet_order"] != got["sheet_order"]:
        diffs.append(f"シート構成: {got['sheet_order']} → {want['sheet_order']}")
    for title, w in want["sheets"].items():
        g = got["sheets"].get(title)
        if g is None:
            continue
        for key in ("state",):
            if w[key] != g[key]:
                diffs.append(f"{title}: {key} が違います")
        for ref in sorted(set(w["cells"]) | set(g["cells"])):
            if w["cells"].get(ref) != g["cells"].get(ref):
                diffs.append(f"{title}!{ref}: {g['cells'].get(ref)!r} → {w['cells'].get(ref)!r}")
                if len(diffs) >= limit:
                    return diffs
    for name in sorted(set(want["names"]) | set(got["names"])):
        if want["names"].get(name) != got["names"].get(name):
            diffs.append(f"名前 {name}: {got['names'].get(name)!r} → {want['names'].get(name)!r}")
            if len(diffs) >= limit:
                return diffs
    if want["buttons"] != got["buttons"]:
        diffs.append(f"ボタン: {got['buttons']} → {want['buttons']}")
    for mod in sorted(set(want["vba"]) | set(got["vba"])):
        if want["vba"].get(mod) != got["vba"].get(mod):
            diffs.append(f"VBA モジュール {mod} の内容が違います")
    return diffs[:limit]
