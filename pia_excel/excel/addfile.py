"""Add a 特定個人情報ファイル to an existing workbook: the Ⅱ / 記録項目 / Ⅲ sheets of file n+1, their defined names
and the meta file count, written into the workbook's package beside what is there.

The new sheets are the writer's own (:func:`pia_excel.excel.writer.build_workbook` of an empty document with n+1
files: the same cells, styles, dropdowns, protection, print setup and hidden repeat slots as ``new --files n+1``),
spliced into the existing package part by part. Every part of the workbook is kept byte for byte — sheets,
pictures, drawn shapes, charts, comments, Excel's extended data validations, VBA, custom XML — except those
that list the parts, the styles and the document properties, which are edited in place as text (nothing in
them is rewritten or dropped):

- ``xl/workbook.xml``: a ``<sheet>`` element per new sheet after file n's last sheet (``localSheetId`` and the
  active tab of later sheets shifted), the new files' defined names added, ``pia.meta.files`` set to n+1;
- ``xl/_rels/workbook.xml.rels`` and ``[Content_Types].xml``: one entry per new sheet part;
- ``xl/styles.xml``: the fonts, fills, borders, number formats and cell formats the new sheets use, appended
  (the looks of their conditional formats, ``dxfs``, taken from the workbook's own identical entries or appended);
- the document properties, where the workbook has them: ``docProps/app.xml``'s lists of the sheets and names
  (``TitlesOfParts`` and their counts in ``HeadingPairs``, as Excel and XlsxWriter write them) get the new sheets
  and names, ``docProps/custom.xml``'s ``pia-excel.files`` the new count.

Dropdowns of the new sheets point at the workbook's own 選択肢 lists (found by their values). What cannot be done
safely (a workbook without our defined names, a sheet name already taken, a list missing from 選択肢) is refused
with a message and nothing is written.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from ..atomic import atomic_path
from ..errors import InputError
from ..models import new_document
from . import names
from .cells import WorkbookCells
from .layout import LISTS_SHEET, Layout, Sheet, layout, quote_sheet
from .reader import check_file, read_opened

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET_TYPE = _REL_NS + "/worksheet"
_WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
#: the parts add-file edits (every other part is copied byte for byte)
EDITED_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml",
                "docProps/app.xml", "docProps/custom.xml")


@dataclass
class AddFileResult:
    path: Path
    file_no: int  # the number of the added 特定個人情報ファイル
    sheets: list[str] = field(default_factory=list)  # the added sheets, in order


class _Refused(InputError):
    pass


def add_file(source: str | os.PathLike, output: str | os.PathLike | None = None) -> AddFileResult:
    """Add one 特定個人情報ファイル (file n+1) to the workbook ``source``; written atomically to ``output`` (default:
    ``source`` itself). Raises :class:`~pia_excel.errors.InputError` naming the file when it cannot be added."""
    src = Path(source)
    out = Path(output) if output is not None else src
    check_file(src)
    new_data, result = add_file_bytes(src)
    result.path = out
    with atomic_path(out) as tmp:
        Path(tmp).write_bytes(new_data)
    return result


@dataclass
class AddPlan:
    """What adding file n+1 to a workbook means: the layout with n+1 files, the sheets to add (after ``after``)
    and the sheets of file n they mirror."""

    form: str
    edition: str
    n: int
    layout: Layout
    sheets: list[Sheet]  # the new file's sheets in the layout of n+1 files
    after: str  # the last sheet of file n
    mirrors: list[str]  # file n's sheet of each new sheet


def plan(book, name: Path) -> AddPlan:
    """Check that file n+1 can be added to ``book`` (a :class:`~pia_excel.excel.cells.SheetRows`: a file's cells,
    or an open book's snapshot) and say how; :class:`~pia_excel.errors.InputError` naming ``name`` otherwise."""
    dn = book.defined_names
    form = dn.get(names.FORM_NAME, "").strip('"=')
    edition = dn.get(names.EDITION_NAME, "").strip('"=')
    files_text = dn.get(names.FILES_NAME, "").lstrip("=")
    if not form or not edition or not files_text.isdigit():
        raise _Refused(f"{name}: pia-excel で作ったブックではありません（定義された名前 pia.meta.* がありません）。"
                       "特定個人情報ファイルを追加するには、Ⅱ・記録項目・Ⅲのシートをコピーしてください")
    n = int(files_text)
    result = read_opened(book, name)
    if len(result.doc.files) != n:
        raise _Refused(f"{name}: シートのコピーで追加された特定個人情報ファイルがあります（{len(result.doc.files)}件、"
                       f"pia-excel の名前は{n}件分）。コピーしたシートを使うか、削除してから追加してください")
    if n >= 99:
        raise _Refused(f"{name}: 特定個人情報ファイルは99件までです")
    lay = layout(form, edition, n + 1)
    new_sheets = [s for s in lay.sheets if s.file_no == n + 1]
    taken = [s.title for s in new_sheets if s.title in book.sheetnames]
    if taken:
        raise _Refused(f"{name}: 追加するシートと同じ名前のシート「{taken[0]}」がすでにあります（名前を変えてから追加してください）")
    old = [s.title for s in lay.sheets if s.file_no == n]
    missing = [t for t in old if t not in book.sheetnames]
    if missing:
        raise _Refused(f"{name}: 特定個人情報ファイル{n}のシート「{missing[0]}」がありません")
    return AddPlan(form, edition, n, lay, new_sheets, old[-1], old)


def add_file_bytes(name: Path) -> tuple[bytes, AddFileResult]:
    """The package of the workbook ``name`` with file n+1 added (see the module's docstring)."""
    data = Path(name).read_bytes()
    book = WorkbookCells(Path(name))
    try:
        p = plan(book, name)
        lists = _lists(book)
    finally:
        book.close()
    fresh = _fresh_package(p.form, p.edition, p.n + 1)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
        infos = z.infolist()
    with zipfile.ZipFile(io.BytesIO(fresh)) as z:
        fparts = {i.filename: z.read(i) for i in z.infolist()}
    splice = _Splice(parts, fparts, name)
    titles = [s.title for s in p.sheets]
    splice.add_sheets(titles, after=p.after, lists=lists)
    splice.names(p.layout, p.n + 1, titles)
    splice.properties(p.after, titles, p.mirrors, p.n + 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            z.writestr(info, splice.parts[info.filename])
        for part in splice.added:
            z.writestr(part, splice.parts[part])
    return out.getvalue(), AddFileResult(name, p.n + 1, titles)


def _lists(book) -> dict[tuple, str]:
    """The value lists of the workbook's 選択肢 sheet: values → the range a dropdown refers to."""
    out: dict[tuple, str] = {}
    if LISTS_SHEET not in book.sheetnames:
        return out
    rows = book.rows(LISTS_SHEET)
    width = max((len(r) for r in rows), default=0)
    from .layout import col_letter

    for c in range(width):
        vals = []
        for r in rows:
            v = r[c] if c < len(r) else None
            if v in (None, ""):
                break
            vals.append(str(v))
        if vals:
            letter = col_letter(c + 1)
            out.setdefault(tuple(vals), f"{quote_sheet(LISTS_SHEET)}!${letter}$1:${letter}${len(vals)}")
    return out


def _fresh_package(form: str, edition: str, files: int) -> bytes:
    """``new --files N`` as bytes (an empty document: defaults filled, every repeat slot but the first hidden)."""
    from .writer import build_workbook

    wb, _ = build_workbook(new_document(form, files=files, edition=edition))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rels(xml: bytes) -> dict[str, tuple[str, str]]:
    root = ET.fromstring(xml)
    return {r.get("Id"): (r.get("Target"), r.get("Type")) for r in root}


def _part_of(target: str, base: str = "xl/") -> str:
    import posixpath

    return target[1:] if target.startswith("/") else posixpath.normpath(base + target)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class _Splice:
    def __init__(self, parts: dict[str, bytes], fresh: dict[str, bytes], name: Path):
        self.parts, self.fresh, self.name = parts, fresh, name
        self.added: list[str] = []
        self.style_map: dict[int, int] = {}
        self.wb = parts["xl/workbook.xml"].decode("utf-8")
        self.fwb = fresh["xl/workbook.xml"].decode("utf-8")

    def refuse(self, why: str):
        raise _Refused(f"{self.name}: 特定個人情報ファイルを追加できません（{why}）")

    # ---- sheets
    def _sheet_part(self, wb_xml: str, rels: dict, title: str) -> str:
        m = re.search(r'<(?:\w+:)?sheet\b[^>]*\bname="' + re.escape(_esc(title)) + r'"[^>]*/>', wb_xml)
        if m is None:
            self.refuse(f"シート「{title}」が workbook.xml にありません")
        rid = re.search(r'\b\w+:id="([^"]+)"', m.group(0))
        return _part_of(rels[rid.group(1)][0])

    def add_sheets(self, titles: list[str], after: str, lists: dict[tuple, str]) -> None:
        rels_xml = self.parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        rels = _rels(rels_xml.encode())
        frels = _rels(self.fresh["xl/_rels/workbook.xml.rels"])
        flists = self._fresh_lists()
        sheet_elems = list(re.finditer(r"<(?:\w+:)?sheet\b[^>]*/>", self.wb))
        names_in_order = [re.search(r'\bname="([^"]*)"', m.group(0)).group(1) for m in sheet_elems]
        pos = names_in_order.index(_esc(after)) + 1
        prefix = re.search(r"<(\w+:)?sheet\b", sheet_elems[0].group(0)).group(1) or ""
        rprefix = re.search(r"\b(\w+):id=", sheet_elems[0].group(0))
        rprefix = rprefix.group(1) if rprefix else "r"
        max_id = max(int(re.search(r'\bsheetId="(\d+)"', m.group(0)).group(1)) for m in sheet_elems)
        existing = set(self.parts)
        new_elems = []
        ct = self.parts["[Content_Types].xml"].decode("utf-8")
        k = 1
        for i, title in enumerate(titles):
            fpart = self._sheet_part(self.fwb, frels, title)
            if f"xl/worksheets/_rels/{fpart.rsplit('/', 1)[1]}.rels" in self.fresh:
                self.refuse("新しいシートに関連パーツがあります")  # pragma: no cover - the writer's sheets have none
            xml = self.fresh[fpart].decode("utf-8")
            if ' t="s"' in xml:
                self.refuse("共有文字列のあるシート")  # pragma: no cover - openpyxl writes inline strings
            xml = self._restyle(xml)
            xml = self._relist(xml, flists, lists)
            while f"xl/worksheets/sheet{k}.xml" in existing:
                k += 1
            part = f"xl/worksheets/sheet{k}.xml"
            existing.add(part)
            self.parts[part] = xml.encode("utf-8")
            self.added.append(part)
            rid = self._new_rid(rels)
            rels[rid] = (f"worksheets/sheet{k}.xml", _WORKSHEET_TYPE)
            rels_xml = rels_xml.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{_WORKSHEET_TYPE}" '
                                        f'Target="/{part}"/></Relationships>')
            ct = ct.replace("</Types>", f'<Override PartName="/{part}" ContentType="{_WORKSHEET_CT}"/></Types>')
            new_elems.append(f'<{prefix}sheet name="{_esc(title)}" sheetId="{max_id + i + 1}" {rprefix}:id="{rid}"/>')
        anchor = sheet_elems[pos - 1]
        self.wb = self.wb[:anchor.end()] + "".join(new_elems) + self.wb[anchor.end():]
        self._shift_sheet_indices(pos, len(titles))
        self.parts["xl/_rels/workbook.xml.rels"] = rels_xml.encode("utf-8")
        self.parts["[Content_Types].xml"] = ct.encode("utf-8")
        self.parts["xl/styles.xml"] = self.styles.encode("utf-8") if hasattr(self, "styles") else self.parts["xl/styles.xml"]
        self.new_positions = list(range(pos, pos + len(titles)))

    def _new_rid(self, rels: dict) -> str:
        i = 1
        while f"rIdPia{i}" in rels:
            i += 1
        return f"rIdPia{i}"

    def _shift_sheet_indices(self, pos: int, count: int) -> None:
        """Sheet-scoped names and the active/first tab of sheets at or after ``pos`` move by ``count``."""
        def shift(m):
            v = int(m.group(2))
            return f'{m.group(1)}"{v + count if v >= pos else v}"'

        self.wb = re.sub(r'(\blocalSheetId=)"(\d+)"', shift, self.wb)
        self.wb = re.sub(r'(\bactiveTab=)"(\d+)"', shift, self.wb)
        self.wb = re.sub(r'(\bfirstSheet=)"(\d+)"', shift, self.wb)

    # ---- dropdown lists
    def _fresh_lists(self) -> dict[str, tuple]:
        """The fresh workbook's 選択肢 ranges → their values."""
        frels = _rels(self.fresh["xl/_rels/workbook.xml.rels"])
        part = self._sheet_part(self.fwb, frels, LISTS_SHEET)
        root = ET.fromstring(self.fresh[part])
        cols: dict[str, list[str]] = {}
        for c in root.iter(f"{{{_MAIN}}}c"):
            letter = re.match(r"[A-Z]+", c.get("r")).group(0)
            t = c.find(f"{{{_MAIN}}}is/{{{_MAIN}}}t")
            v = c.find(f"{{{_MAIN}}}v")
            cols.setdefault(letter, []).append(t.text if t is not None else (v.text if v is not None else ""))
        return {f"{quote_sheet(LISTS_SHEET)}!${k}$1:${k}${len(v)}": tuple(v) for k, v in cols.items()}

    def _relist(self, xml: str, flists: dict[str, tuple], lists: dict[tuple, str]) -> str:
        def repl(m):
            ref = m.group(1).replace("&apos;", "'")
            values = flists.get(ref)
            if values is None:
                return m.group(0)
            target = lists.get(values)
            if target is None:
                self.refuse(f"選択肢シートに「{'・'.join(values[:3])}…」の一覧がありません")
            return f"<formula1>{_esc(target)}</formula1>"

        return re.sub(r"<formula1>([^<]*)</formula1>", repl, xml)

    # ---- styles
    def _restyle(self, xml: str) -> str:
        if not hasattr(self, "styles"):
            self.styles = self.parts["xl/styles.xml"].decode("utf-8")
            self._fstyles = ET.fromstring(self.fresh["xl/styles.xml"])
            self._fxfs = self._fstyles.find(f"{{{_MAIN}}}cellXfs")
        used = {int(v) for v in re.findall(r'\bs(?:tyle)?="(\d+)"', xml)}
        for i in sorted(used - set(self.style_map)):
            self.style_map[i] = self._add_xf(self._fxfs[i])
        xml = re.sub(r'(\bs(?:tyle)?=)"(\d+)"', lambda m: f'{m.group(1)}"{self.style_map[int(m.group(2))]}"', xml)
        # the looks of the conditional formats (the live checks): the workbook's own identical entry, else appended
        return re.sub(r'(\bdxfId=)"(\d+)"', lambda m: f'{m.group(1)}"{self._dxf(int(m.group(2)))}"', xml)

    def _dxf(self, i: int) -> int:
        key = ("dxf", i)
        if key not in self.style_map:
            fresh = _xml(self._fstyles.find(f"{{{_MAIN}}}dxfs")[i])
            m = re.search(r"<dxfs\b[^>]*?(/?)>", self.styles)
            inner = "" if m is None or m.group(1) else self.styles[m.end():self.styles.index("</dxfs>", m.end())]
            own = [ET.tostring(ET.fromstring(d)) for d in re.findall(r"<dxf\b.*?</dxf>|<dxf\b[^>]*/>", inner, re.S)]
            mine = ET.tostring(ET.fromstring(fresh))
            if mine in own:
                self.style_map[key] = own.index(mine)
            elif m is None or m.group(1):  # no dxfs yet (or "<dxfs count="0"/>"): the list made with this entry
                element = f'<dxfs count="1">{fresh}</dxfs>'
                if m is not None:
                    self.styles = self.styles[:m.start()] + element + self.styles[m.end():]
                else:
                    close = re.search(r"<tableStyles\b|<colors\b|<extLst\b|</styleSheet>", self.styles)
                    self.styles = self.styles[:close.start()] + element + self.styles[close.start():]
                self.style_map[key] = 0
            else:
                self.style_map[key] = self._append("dxfs", fresh)
        return self.style_map[key]

    def _append(self, tag: str, element_xml: str) -> int:
        """Append ``element_xml`` to the original styles' ``<tag>`` list; its index there."""
        s = self.styles
        m = re.search(rf"<(\w+:)?{tag}\b[^>]*?(/?)>", s)
        if m is None or m.group(2):
            self.refuse(f"styles.xml の {tag}")
        p = m.group(1) or ""
        if p:
            self.refuse("名前空間の接頭辞つきの styles.xml")
        end = s.index(f"</{tag}>", m.end())
        inner = s[m.end():end]
        child = tag[:-1] if tag != "cellXfs" else "xf"
        index = len(re.findall(rf"<{child}\b", inner))
        head = m.group(0)
        if re.search(r'\bcount="\d+"', head):
            head2 = re.sub(r'\bcount="\d+"', f'count="{index + 1}"', head)
        else:
            head2 = head
        self.styles = s[:m.start()] + head2 + inner + element_xml + s[end:]
        return index

    def _add_xf(self, xf: ET.Element) -> int:
        f = self._fstyles
        xf = _copy(xf)
        for attr, tag in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            i = int(xf.get(attr, "0"))
            key = (tag, i)
            if key not in self.style_map:
                self.style_map[key] = self._append(tag, _xml(f.find(f"{{{_MAIN}}}{tag}")[i]))
            xf.set(attr, str(self.style_map[key]))
        fmt = int(xf.get("numFmtId", "0"))
        if fmt >= 164:
            key = ("numFmt", fmt)
            if key not in self.style_map:
                self.style_map[key] = self._add_numfmt(f, fmt)
            xf.set("numFmtId", str(self.style_map[key]))
        xf.set("xfId", "0")
        return self._append("cellXfs", _xml(xf))

    def _add_numfmt(self, f: ET.Element, fmt: int) -> int:
        code = next(e.get("formatCode") for e in f.find(f"{{{_MAIN}}}numFmts") if int(e.get("numFmtId")) == fmt)
        ids = [int(v) for v in re.findall(r'<numFmt\b[^>]*\bnumFmtId="(\d+)"', self.styles)]
        new = max([163] + ids) + 1
        elem = f'<numFmt numFmtId="{new}" formatCode="{_esc(code)}"/>'
        if re.search(r"<numFmts\b", self.styles):
            self._append("numFmts", elem)
        else:
            m = re.search(r"<styleSheet\b[^>]*>", self.styles)
            self.styles = self.styles[:m.end()] + f'<numFmts count="1">{elem}</numFmts>' + self.styles[m.end():]
        return new

    # ---- names
    def names(self, lay, file_no: int, titles: list[str]) -> None:
        """The defined names of file ``file_no`` (as the writer gives them) and the meta file count."""
        fnames = re.findall(r'<definedName name="([^"]*)"( localSheetId="\d+")?>([^<]*)</definedName>', self.fwb)
        fsheets = [re.search(r'\bname="([^"]*)"', m).group(1)
                   for m in re.findall(r"<sheet\b[^>]*/>", self.fwb)]
        add = []
        prefix = f"{names.PREFIX}files.{file_no}."
        for name, local, text in fnames:
            if name.startswith(prefix):
                add.append(f'<definedName name="{name}">{text}</definedName>')
            elif local:
                idx = int(re.search(r"\d+", local).group(0))
                if fsheets[idx] in [_esc(t) for t in titles]:
                    new_idx = self.new_positions[[_esc(t) for t in titles].index(fsheets[idx])]
                    add.append(f'<definedName name="{name}" localSheetId="{new_idx}">{text}</definedName>')
        wb = self.wb
        m = re.search(r'(<(?:\w+:)?definedName\b[^>]*\bname="' + re.escape(names.FILES_NAME) + r'"[^>]*>)\s*(\d+)\s*'
                      r'(</(?:\w+:)?definedName>)', wb)
        if m is None:
            self.refuse("pia.meta.files の名前")
        wb = wb[:m.start()] + m.group(1) + str(file_no) + m.group(3) + wb[m.end():]
        close = wb.index("</definedNames>")
        self.wb = wb[:close] + "".join(add) + wb[close:]
        self.parts["xl/workbook.xml"] = self.wb.encode("utf-8")
        self.added_names = [re.search(r'name="([^"]*)"', a).group(1) for a in add]

    # ---- document properties
    def properties(self, after: str, titles: list[str], mirrors: list[str], files: int) -> None:
        """The lists of the package's document properties that name the sheets: docProps/app.xml (what Excel
        shows as the parts: its sheet titles and names, and their counts) and the ``pia-excel.files`` custom
        property the writer sets; each edited as text where present, nothing else in them changed."""
        for part, kind in _property_parts(self.parts).items():
            xml = self.parts[part].decode("utf-8")
            if kind == "extended":
                new = app_properties(xml, after, titles, mirrors, getattr(self, "added_names", []))
            else:
                new = re.sub(r'(<(?:\w+:)?property\b[^>]*\bname="pia-excel\.files"[^>]*>\s*<(\w+:)?lpwstr>)\d+(</)',
                             lambda m: f"{m.group(1)}{files}{m.group(3)}", xml)
            if new != xml:
                self.parts[part] = new.encode("utf-8")


def _property_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """The extended (app.xml) and custom property parts of a package, by the package's relationships."""
    out = {}
    for m in re.finditer(r"<(?:\w+:)?Relationship\b[^>]*/?>", parts.get("_rels/.rels", b"").decode("utf-8")):
        rel = m.group(0)
        kind = re.search(r'\bType="[^"]*/(extended-properties|custom-properties)"', rel)
        target = re.search(r'\bTarget="([^"]*)"', rel)
        if kind and target and target.group(1).lstrip("/") in parts:
            out[target.group(1).lstrip("/")] = kind.group(1).split("-")[0]
    return out


_VECTOR = r"(<{p}{tag}>\s*<(\w+:)?vector\b[^>]*\bsize=\")(\d+)(\"[^>]*>)(.*?)(</\2vector>)"


def app_properties(xml: str, after: str, titles: list[str], mirrors: list[str], new_names: list[str]) -> str:
    """docProps/app.xml with the added sheets (``titles``, after the sheet ``after``) and their names listed.

    ``TitlesOfParts`` lists the parts in the groups ``HeadingPairs`` counts ("Worksheets"/"ワークシート" n, "Named
    Ranges"/"名前付き一覧" m …). The new sheets go into the group holding ``after``, right after it; where a
    group lists our defined names (``pia.…``) the new file's names follow the last name of the file before, and a
    sheet's print names ("'Ⅱ …(1)'!Print_Titles") get the new sheet's beside them. The counts and vector sizes
    follow. A file without these lists (openpyxl and LibreOffice write none) is returned as it is."""
    p = "(?:\\w+:)?"
    heads = re.search(_VECTOR.format(p=p, tag="HeadingPairs"), xml, re.S)
    parts = re.search(_VECTOR.format(p=p, tag="TitlesOfParts"), xml, re.S)
    if heads is None or parts is None:
        return xml
    pairs = re.findall(r"<(?:\w+:)?variant>\s*<(?:\w+:)?(lpstr|i4)>([^<]*)</", heads.group(5))
    counts = [int(v) for kind, v in pairs if kind == "i4"]
    entries = re.findall(r"<(\w+:)?lpstr>([^<]*)</(?:\w+:)?lpstr>", parts.group(5))
    if not entries or len(counts) * 2 != len(pairs) or sum(counts) != len(entries):
        return xml  # lists that do not say what they should: left alone
    vt = entries[0][0]
    texts = [t for _, t in entries]
    groups, i = [], 0
    for n in counts:
        groups.append(texts[i:i + n])
        i += n
    esc = [_esc(t).replace("&quot;", '"') for t in titles]
    quoted = {_esc(quote_sheet(m)).replace("&quot;", '"'): _esc(quote_sheet(t)).replace("&quot;", '"')
              for m, t in zip(mirrors, titles)}
    after_esc = _esc(after).replace("&quot;", '"')
    last_file = re.escape(names.PREFIX) + r"files\.(\d+)\."
    for g in groups:
        if after_esc in g:
            k = g.index(after_esc) + 1
            g[k:k] = esc
        elif any(t.startswith(names.PREFIX) for t in g):
            at = max((k for k, t in enumerate(g) if re.match(last_file, t)), default=len(g) - 1) + 1
            g[at:at] = [_esc(n) for n in new_names if not n.startswith("_xlnm.")]
        prints = [(k, t) for k, t in enumerate(g) if "!" in t and t.rsplit("!", 1)[0] in quoted]
        for k, t in reversed(prints):
            sheet, _, what = t.rpartition("!")
            g.insert(k + 1, f"{quoted[sheet]}!{what}")
    counts = [len(g) for g in groups]
    flat = [t for g in groups for t in g]
    head_body = heads.group(5)
    n = iter(counts)
    head_body = re.sub(r"(<(?:\w+:)?i4>)\d+(</)", lambda m: f"{m.group(1)}{next(n)}{m.group(2)}", head_body)
    body = "".join(f"<{vt}lpstr>{t}</{vt}lpstr>" for t in flat)
    xml = (xml[:heads.start()] + heads.group(1) + heads.group(3) + heads.group(4) + head_body + heads.group(6)
           + xml[heads.end():])
    parts = re.search(_VECTOR.format(p=p, tag="TitlesOfParts"), xml, re.S)
    return (xml[:parts.start()] + parts.group(1) + str(len(flat)) + parts.group(4) + body + parts.group(6)
            + xml[parts.end():])


def _copy(e: ET.Element) -> ET.Element:
    return ET.fromstring(ET.tostring(e))


def _xml(e: ET.Element) -> str:
    """An element of the main namespace as text without prefixes (the original styles.xml's default namespace)."""
    text = ET.tostring(e, encoding="unicode")
    m = re.search(r'xmlns:(\w+)="' + re.escape(_MAIN) + '"', text)
    if m:
        text = text.replace(f" {m.group(0)}", "").replace(f"<{m.group(1)}:", "<").replace(f"</{m.group(1)}:", "</")
    if "xmlns" in text:
        raise _Refused(f"styles.xml の要素を移せません: {text[:80]}")  # pragma: no cover - the writer uses none
    return text
