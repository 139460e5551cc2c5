"""Editing a user's workbook in place at the level of its package parts.

An in-place command (``validate --in-place``, ``changelog … --in-place``, ``publish``) changes only what pia-excel
owns: the 検証結果 and 検証記録 sheets, the rows it appends to 変更箇所 and their row heights, the cell it writes 公表日
into, the baseline sheet, the fills of the cells it highlights, the defined names and dropdown ranges of the
変更箇所 table. Everything else in the package (pictures, drawn shapes, charts, comments, form controls,
conditional formats, Excel's extended data validations, column widths, row heights, print settings, other sheets,
custom XML, VBA …) is copied member by member, its bytes unchanged; openpyxl's load-and-save would rebuild (and
partly drop) all of it. The parts that are edited are patched as text: only the elements concerned are replaced
or inserted, every other byte of the part stays as it was.

:func:`edit_workbook` is the one way in: it refuses a workbook that Excel or LibreOffice has open (their lock files
``~$name`` / ``.~lock.name#`` beside it), takes an exclusive lock so two pia-excel processes never interleave a
read-modify-write of the same file (the second waits up to ``PIA_EXCEL_LOCK_TIMEOUT`` seconds, default 60, then
stops with one line), and writes the result through :func:`pia_excel.atomic.atomic_path` (an interrupted write
leaves the original as it was).
"""
from __future__ import annotations

import os
import re
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator
from xml.etree import ElementTree as ET

from ..atomic import atomic_path, check_writable, target_of
from ..errors import PiaError
from ..spec.text import XML_ILLEGAL
from .cells import column_index, column_letter

__all__ = ["DrawnShapes", "LockError", "Package", "PackageError", "SheetEdit", "Styles", "drawn_shapes", "edit_workbook",
           "office_lock_file", "workbook_lock"]

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
OFFICE_DOC_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
DRAWING_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
SHARED_STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SHARED_STRINGS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


class PackageError(PiaError):
    """The workbook cannot be edited in place (a part pia-excel must change is missing or not as expected)."""


class LockError(PiaError):
    """Another program is writing (or has open) the workbook; nothing was written."""


# ------------------------------------------------------------------------------------------------- helpers
col_number = column_index  # "AB" → 28 (cells.py owns the conversions)
col_letters = column_letter  # 28 → "AB"


def split_ref(ref: str) -> tuple[int, int]:
    """(row, column) of "B12" (``$`` allowed)."""
    m = _REF.match(ref.upper())
    if not m:
        raise PackageError(f"セル番地 {ref} を読めません")
    return int(m.group(2)), col_number(m.group(1))


def escape(text: str) -> str:
    text = XML_ILLEGAL.sub("", text)  # XML 1.0 cannot hold them: the part would be unreadable
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;"))


def escape_attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def _attr(tag: str, name: str) -> str | None:
    m = re.search(r'\s' + re.escape(name) + r'\s*=\s*"([^"]*)"', tag)
    if m is None:
        m = re.search(r"\s" + re.escape(name) + r"\s*=\s*'([^']*)'", tag)
    return None if m is None else m.group(1)


def _set_attr(tag: str, name: str, value: str | None) -> str:
    """``tag`` (an element's start tag, ``<x …>`` or ``<x …/>``) with attribute ``name`` set (None: removed)."""
    pat = re.compile(r'\s' + re.escape(name) + r'\s*=\s*(?:"[^"]*"|\'[^\']*\')')
    if value is None:
        return pat.sub("", tag, count=1)
    new = f' {name}="{escape_attr(value)}"'
    if pat.search(tag):
        return pat.sub(lambda _m: new, tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return tag[:end].rstrip() + new + tag[end:]


#: a cell holding a plain inline string as openpyxl writes it (no namespace prefix, attributes r, s, t): reference,
#: style, xml:space, the escaped text
_INLINE_STRING = re.compile(r'<c r="([A-Z]{1,3}\d{1,7})"( s="\d+")? t="inlineStr"><is><t( xml:space="preserve")?>'
                            r'([^<]*)</t></is></c>')
#: an empty cell with the default type spelled out (openpyxl: ``<c r="B7" s="5" t="n" />``; Excel: ``<c r="B7" s="5"/>``)
_EMPTY_NUMBER = re.compile(r'(<c r="[A-Z]{1,3}\d{1,7}"(?: s="\d+")?) t="n" ?/>')


def _prefix(text: str, local: str) -> str:
    """The namespace prefix (with its colon, or "") of the root element ``local`` of a part."""
    m = re.search(r"<([A-Za-z_][\w.-]*:)?" + local + r"[\s>/]", text)
    if m is None:
        raise PackageError(f"<{local}> がありません")
    return m.group(1) or ""


def _element(p: str, local: str) -> re.Pattern:
    """An element (self-closing or with content; not nested in itself) by its local name."""
    return re.compile(rf"<{p}{local}(?=[\s/>])[^>]*?(?:/>|>.*?</{p}{local}>)", re.S)


# ------------------------------------------------------------------------------------------------- locks
def office_lock_file(path: Path) -> Path | None:
    """The lock file Excel (``~$name``) or LibreOffice (``.~lock.name#``) keeps beside an open workbook."""
    for name in (f"~${path.name}", f".~lock.{path.name}#"):
        lock = path.parent / name
        if lock.exists():
            return lock
    return None


def _lock_timeout() -> float:
    try:
        return float(os.environ.get("PIA_EXCEL_LOCK_TIMEOUT", "60"))
    except ValueError:
        return 60.0


@contextmanager
def workbook_lock(path: str | os.PathLike, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the workbook ``path`` (a lock file ``.~pia-lock.NAME`` beside it, locked with
    ``fcntl.flock``, or ``msvcrt.locking`` on Windows; released by the OS if the process dies). Another process
    holding it is waited for up to ``timeout`` seconds, then :class:`LockError`."""
    path = Path(path)
    timeout = _lock_timeout() if timeout is None else timeout
    lock = path.parent / f".~pia-lock.{path.name}"
    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            if _try_lock(fd):
                try:
                    same = os.path.samestat(os.fstat(fd), os.stat(lock))
                except FileNotFoundError:
                    same = False
                if same:  # not a lock file another process removed after we opened it
                    break
                _unlock(fd)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        if time.monotonic() >= deadline:
            raise LockError(f"{path}: 他の処理（pia-excel のコマンドかボタン）がこのブックに書き込み中です"
                            f"（{timeout:g}秒待ちました）。終わってからもう一度実行してください")
        time.sleep(0.05)
    try:
        yield
    finally:
        try:
            os.unlink(lock)  # before unlocking: a waiter that opened it sees it gone and opens a new one
        except OSError:  # pragma: no cover - Windows keeps open files; the lock file then stays
            pass
        _unlock(fd)
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _unlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def edit_workbook(source: str | os.PathLike, output: str | os.PathLike | None = None) -> Iterator["Package"]:
    """The package of ``source`` to edit; on leaving the block, when a part was changed (or ``output`` is another
    file), it is written to ``output`` (default ``source``) atomically. The target is locked for the whole block
    (read, change, write) and refused while Excel or LibreOffice has it open."""
    source = Path(source)
    out = Path(output) if output is not None else source
    from .reader import check_file

    check_file(source)  # one clear line for what is not a workbook; the package limits before it is read
    target = check_writable(out)
    office = office_lock_file(target)
    if office is not None:
        raise LockError(f"{out}: ブックが Excel か LibreOffice で開かれています（ロックファイル {office.name} があります）。"
                        "閉じてから実行してください（開いていないのに残っている場合はそのロックファイルを削除してください）")
    target.parent.mkdir(parents=True, exist_ok=True)  # a copy into a new folder: the lock file goes there too
    with workbook_lock(target):
        pkg = Package.open(source)
        yield pkg
        if pkg.changed or target_of(source) != target:
            with atomic_path(out) as tmp:
                pkg.save(tmp)


# ------------------------------------------------------------------------------------------------- the package
@dataclass
class SheetInfo:
    name: str
    sheet_id: int
    rid: str
    part: str  # member name, e.g. "xl/worksheets/sheet1.xml"
    state: str  # visible / hidden / veryHidden


class Package:
    """The members of a workbook package: read once, parts replaced by :meth:`write`, saved by :meth:`save`
    (unchanged members are copied with their bytes, compression and time stamps)."""

    def __init__(self, infos: list[zipfile.ZipInfo], data: dict[str, bytes], path: Path | None = None):
        self.infos = infos
        self._data = data
        self.path = path
        self.changed: dict[str, bytes] = {}
        self._sheets: list[SheetInfo] | None = None
        self._shared: list[str] | None = None

    @classmethod
    def open(cls, path: str | os.PathLike) -> "Package":
        path = Path(path)
        try:
            with zipfile.ZipFile(path) as z:
                infos = z.infolist()
                data = {i.filename: z.read(i) for i in infos}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError) as e:
            raise PackageError(f"{path}: Excelブックとして読めません（{e}）") from None
        return cls(infos, data, path)

    # -- members
    def names(self) -> list[str]:
        return [i.filename for i in self.infos] + [n for n in self.changed if n not in self._data]

    def has(self, name: str) -> bool:
        return name in self.changed or name in self._data

    def read(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        try:
            return self._data[name]
        except KeyError:
            raise PackageError(f"{self.path}: 部品 {name} がありません") from None

    def text(self, name: str) -> str:
        return self.read(name).decode("utf-8")

    def write(self, name: str, content: str | bytes) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        if self.has(name) and self.read(name) == data:
            return
        self.changed[name] = data
        if name == self.workbook_part:
            self._sheets = None

    def save(self, out: str | os.PathLike) -> None:
        with zipfile.ZipFile(out, "w", allowZip64=True) as z:
            for info in self.infos:
                z.writestr(info, self.changed.get(info.filename, self._data[info.filename]),
                           compress_type=info.compress_type)
            for name, data in self.changed.items():
                if name not in self._data:
                    z.writestr(zipfile.ZipInfo(name, date_time=time.localtime()[:6]), data,
                               compress_type=zipfile.ZIP_DEFLATED)

    # -- workbook structure
    @property
    def workbook_part(self) -> str:
        rels = ET.fromstring(self._data.get("_rels/.rels") or b"<Relationships/>")
        for rel in rels:
            if rel.get("Type") == OFFICE_DOC_TYPE:
                return rel.get("Target", "").lstrip("/")
        return "xl/workbook.xml"

    def rels_part(self, part: str) -> str:
        p = PurePosixPath(part)
        return str(p.parent / "_rels" / (p.name + ".rels"))

    def _resolve(self, base: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        parts: list[str] = []
        for seg in (str(PurePosixPath(base).parent) + "/" + target).split("/"):
            if seg in ("", "."):
                continue
            if seg == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(seg)
        return "/".join(parts)

    def sheets(self) -> list[SheetInfo]:
        if self._sheets is None:
            wb = self.workbook_part
            rels = {r.get("Id"): r.get("Target", "") for r in ET.fromstring(self.read(self.rels_part(wb)))}
            root = ET.fromstring(self.read(wb))
            out = []
            for el in root.iter(f"{{{MAIN_NS}}}sheet"):
                rid = el.get(f"{{{REL_NS}}}id") or ""
                target = rels.get(rid)
                out.append(SheetInfo(el.get("name", ""), int(el.get("sheetId", "0")), rid,
                                     self._resolve(wb, target) if target else "", el.get("state", "visible")))
            self._sheets = out
        return self._sheets

    def sheet(self, name: str) -> SheetInfo | None:
        for s in self.sheets():
            if s.name == name:
                return s
        return None

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            wb = self.workbook_part
            part = None
            for r in ET.fromstring(self.read(self.rels_part(wb))):
                if r.get("Type", "").endswith("/sharedStrings"):
                    part = self._resolve(wb, r.get("Target", ""))
            self._shared = []
            if part and self.has(part):
                for si in ET.fromstring(self.read(part)).iter(f"{{{MAIN_NS}}}si"):
                    self._shared.append(_si_text(si))
        return self._shared

    def values(self, sheet: str) -> dict[str, object]:
        """Cell values of a sheet by reference (text, numbers as float, formulas' cached values)."""
        info = self.sheet(sheet)
        if info is None:
            return {}
        out: dict[str, object] = {}
        for c in ET.fromstring(self.read(info.part)).iter(f"{{{MAIN_NS}}}c"):
            ref, t = c.get("r"), c.get("t")
            if not ref:
                continue
            v = c.find(f"{{{MAIN_NS}}}v")
            if t == "inlineStr":
                is_ = c.find(f"{{{MAIN_NS}}}is")
                out[ref] = _si_text(is_) if is_ is not None else ""
            elif v is None or v.text is None:
                continue
            elif t == "s":
                shared = self.shared_strings()
                i = int(v.text)
                out[ref] = shared[i] if 0 <= i < len(shared) else ""
            elif t in ("str", "e"):
                out[ref] = v.text
            elif t == "b":
                out[ref] = v.text == "1"
            else:
                try:
                    out[ref] = float(v.text)
                except ValueError:
                    out[ref] = v.text
        return out

    def share_strings(self, inline: Iterable[str] = ()) -> int:
        """Move the worksheets' plain inline strings (``t="inlineStr"``: openpyxl writes every string so) into a
        shared string table and drop ``t="n"`` from empty cells, as Excel saves a workbook: the form's labels
        repeat in every repeat slot, and reading parses less (bench/README.md). The sheets titled in ``inline``
        keep theirs inline: a reader parses the whole table when it opens the workbook (python-calamine: ~0.4 ms
        per 1,000 strings), so strings of sheets that are seldom read stay with them. Rich text stays inline; a
        package with a shared string table already is left as it is. Returns the number of distinct strings."""
        inline = set(inline)
        wb = self.workbook_part
        if self.related(wb, SHARED_STRINGS_TYPE) is not None:
            return 0
        table: dict[tuple[str, str], int] = {}
        refs = 0

        def share(m: re.Match) -> str:
            nonlocal refs
            refs += 1
            i = table.setdefault((m.group(3) or "", m.group(4)), len(table))
            return f'<c r="{m.group(1)}"{m.group(2) or ""} t="s"><v>{i}</v></c>'

        for info in self.sheets():
            if not info.part or not self.has(info.part):
                continue
            text = self.text(info.part)
            if info.name not in inline and "inlineStr" in text:
                text = _INLINE_STRING.sub(share, text)
            self.write(info.part, _EMPTY_NUMBER.sub(r"\1/>", text))
        if not table:
            return 0
        items = "".join(f"<si><t{space}>{t}</t></si>" for space, t in table)
        part = str(PurePosixPath(wb).parent / "sharedStrings.xml")  # beside the workbook part, as Excel puts it
        self.write(part, f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<sst xmlns="{MAIN_NS}" count="{refs}" uniqueCount="{len(table)}">{items}</sst>')
        self._add_rel(wb, SHARED_STRINGS_TYPE, "sharedStrings.xml")
        self._content_type(part, SHARED_STRINGS_CT)
        self._shared = None
        return len(table)

    # -- defined names
    def set_defined_name(self, name: str, refers_to: str) -> None:
        """Set the workbook-scoped defined name ``name`` (added when missing)."""
        part = self.workbook_part
        text = self.text(part)
        p = _prefix(text, "workbook")
        value = escape(refers_to.lstrip("="))
        pat = re.compile(rf'(<{p}definedName\b[^>]*\bname="{re.escape(escape_attr(name))}"[^>]*>)(.*?)(</{p}definedName>)',
                         re.S)
        for m in pat.finditer(text):
            if _attr(m.group(1), "localSheetId") is None:
                self.write(part, text[:m.start(2)] + value + text[m.end(2):])
                return
        new = f'<{p}definedName name="{escape_attr(name)}">{value}</{p}definedName>'
        if re.search(rf"</{p}definedNames>", text):
            text = re.sub(rf"</{p}definedNames>", lambda _m: new + f"</{p}definedNames>", text, count=1)
        else:
            anchor = re.search(rf"</{p}sheets>", text)
            text = text[:anchor.end()] + f"<{p}definedNames>{new}</{p}definedNames>" + text[anchor.end():]
        self.write(part, text)

    # -- sheets
    def put_sheet(self, name: str, xml: str, *, state: str) -> None:
        """The sheet ``name`` holds ``xml`` and has ``state``: its part rewritten, or the sheet added (last)."""
        info = self.sheet(name)
        if info is None:
            self.add_sheet(name, xml, state=state)
        else:
            self.write(info.part, xml)
            self.set_sheet_state(name, state)

    def add_sheet(self, name: str, xml: str, *, state: str = "visible", index: int | None = None) -> SheetInfo:
        """A new worksheet part holding ``xml``, listed at position ``index`` (default last) of the workbook.
        Sheet-local defined names, the active tab and the first visible tab keep pointing at the same sheets."""
        if self.sheet(name) is not None:
            raise PackageError(f"シート {name} は既にあります")
        wb = self.workbook_part
        n = 1
        while self.has(f"xl/worksheets/sheet{n}.xml"):
            n += 1
        part = f"xl/worksheets/sheet{n}.xml"
        self.write(part, xml)
        # content type
        ct = self.text("[Content_Types].xml")
        override = f'<Override PartName="/{part}" ContentType="{WORKSHEET_CT}"/>'
        self.write("[Content_Types].xml", ct.replace("</Types>", override + "</Types>", 1))
        # relationship
        rels_name = self.rels_part(wb)
        rels = self.text(rels_name)
        ids = set(re.findall(r'\bId="([^"]*)"', rels))
        k = len(ids) + 1
        while f"rId{k}" in ids:
            k += 1
        rid = f"rId{k}"
        target = os.path.relpath(part, str(PurePosixPath(wb).parent)).replace(os.sep, "/")
        rp = _prefix(rels, "Relationships")
        rel = f'<{rp}Relationship Id="{rid}" Type="{WORKSHEET_TYPE}" Target="{target}"/>'
        self.write(rels_name, re.sub(rf"</{rp}Relationships>", lambda _m: rel + f"</{rp}Relationships>", rels, count=1))
        # workbook.xml
        text = self.text(wb)
        p = _prefix(text, "workbook")
        rprefix = _ns_prefix(text, REL_NS)
        if rprefix is None:
            text = re.sub(rf"<{p}workbook\b", lambda m: m.group(0) + f' xmlns:pia_r="{REL_NS}"', text, count=1)
            rprefix = "pia_r"
        sheets = self.sheets()
        sheet_id = max([s.sheet_id for s in sheets] + [0]) + 1
        state_attr = "" if state == "visible" else f' state="{state}"'
        el = f'<{p}sheet name="{escape_attr(name)}" sheetId="{sheet_id}"{state_attr} {rprefix}:id="{rid}"/>'
        sheet_tags = list(re.finditer(rf"<{p}sheet\b[^>]*?/?>(?:</{p}sheet>)?", text))
        if index is None or index >= len(sheet_tags):
            index = len(sheet_tags)
            pos = sheet_tags[-1].end() if sheet_tags else re.search(rf"<{p}sheets\b[^>]*>", text).end()
        else:
            pos = sheet_tags[index].start()
        text = text[:pos] + el + text[pos:]
        if index < len(sheet_tags):
            text = _shift_sheet_indexes(text, p, index)
        self.write(wb, text)
        self._sheets = None
        return self.sheet(name)

    def related(self, part: str, rel_type: str) -> str | None:
        """The member ``part`` refers to by its first relationship of ``rel_type`` (None when there is none)."""
        rels_name = self.rels_part(part)
        if not self.has(rels_name):
            return None
        for rel in ET.fromstring(self.read(rels_name)):
            if rel.get("Type") == rel_type and rel.get("TargetMode") != "External":
                return self._resolve(part, rel.get("Target", ""))
        return None

    def _add_rel(self, part: str, rel_type: str, target: str, external: bool = False) -> str:
        """A new relationship of ``part`` (its rels part created when missing); returns its id."""
        rels_name = self.rels_part(part)
        text = self.text(rels_name) if self.has(rels_name) else f'<Relationships xmlns="{PKG_REL_NS}"></Relationships>'
        ids = set(re.findall(r'\bId="([^"]*)"', text))
        k = len(ids) + 1
        while f"rId{k}" in ids:
            k += 1
        rp = _prefix(text, "Relationships")
        mode = ' TargetMode="External"' if external else ""
        rel = f'<{rp}Relationship Id="rId{k}" Type="{escape_attr(rel_type)}" Target="{escape_attr(target)}"{mode}/>'
        if re.search(rf"<{rp}Relationships\b[^>]*/>", text):
            text = re.sub(rf"<{rp}Relationships\b([^>]*)/>", lambda m: f"<{rp}Relationships{m.group(1)}>{rel}"
                          f"</{rp}Relationships>", text, count=1)
        else:
            text = re.sub(rf"</{rp}Relationships>", lambda _m: rel + f"</{rp}Relationships>", text, count=1)
        self.write(rels_name, text)
        return f"rId{k}"

    def _free(self, pattern: str) -> str:
        n = 1
        while self.has(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def _content_type(self, part: str | None = None, content_type: str = "", extension: str | None = None) -> None:
        ct = self.text("[Content_Types].xml")
        tp = _prefix(ct, "Types")
        if extension is not None:
            if re.search(rf'<{tp}Default\b[^>]*\bExtension="{re.escape(extension)}"', ct, re.I):
                return
            el = f'<{tp}Default Extension="{escape_attr(extension)}" ContentType="{escape_attr(content_type)}"/>'
        else:
            el = f'<{tp}Override PartName="/{escape_attr(part)}" ContentType="{escape_attr(content_type)}"/>'
        self.write("[Content_Types].xml", re.sub(rf"</{tp}Types>", lambda _m: el + f"</{tp}Types>", ct, count=1))

    def add_shapes(self, sheet: str, shapes: DrawnShapes, row_of: Callable[[int], int] | None = None) -> None:
        """Put the drawn shapes ``shapes`` (read by :func:`drawn_shapes` from another package) into the drawing
        of ``sheet`` (a drawing part made when the sheet has none), with what they refer to (pictures copied as
        new media members); ``row_of`` maps an anchor's row (0-based) to its row here (rows inserted since)."""
        info = self.sheet(sheet)
        if info is None:
            raise PackageError(f"シート {sheet} がありません")
        drawing = self.related(info.part, DRAWING_TYPE)
        if drawing is None:
            drawing = self._free("xl/drawings/drawing{}.xml")
            self.write(drawing, f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                f'<xdr:wsDr xmlns:xdr="{DRAWING_NS}"></xdr:wsDr>')
            self._content_type(drawing, DRAWING_CT)
            target = os.path.relpath(drawing, str(PurePosixPath(info.part).parent)).replace(os.sep, "/")
            rid = self._add_rel(info.part, DRAWING_TYPE, target)
            text = self.text(info.part)
            p = _prefix(text, "worksheet")
            text = insert_before(text, p, f'<{p}drawing xmlns:pia_r="{REL_NS}" pia_r:id="{rid}"/>',
                                 ("legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
                                  "controls", "webPublishItems", "tableParts", "extLst"))
            self.write(info.part, text)
        ids: dict[str, str] = {}
        for old, (rel_type, target, external, data, ext) in shapes.rels.items():
            if external:
                ids[old] = self._add_rel(drawing, rel_type, target, external=True)
            elif data is not None:
                media = self._free("xl/media/pia_shape{}." + (ext or "bin"))
                self.write(media, data)
                if ext:
                    self._content_type(content_type=_MEDIA_CT.get(ext, "application/octet-stream"), extension=ext)
                rel_target = os.path.relpath(media, str(PurePosixPath(drawing).parent)).replace(os.sep, "/")
                ids[old] = self._add_rel(drawing, rel_type, rel_target)
        decls = [(k, f' xmlns:{k}="{escape_attr(v)}"' if k else f' xmlns="{escape_attr(v)}"')
                 for k, v in shapes.namespaces.items()]
        rp = next((k for k, v in shapes.namespaces.items() if v == REL_NS), None)
        p = shapes.prefix
        out = []
        for anchor in shapes.anchors:
            start = re.match(r"<[^>]*?(?=/?>)", anchor).end()
            own = set(re.findall(r"\sxmlns(?::([\w.-]+))?\s*=", anchor[:start]))
            anchor = anchor[:start] + "".join(d for k, d in decls if k not in own) + anchor[start:]
            if rp:
                anchor = re.sub(rf'(\s{re.escape(rp)}:\w+\s*=\s*")([^"]*)(")',
                                lambda m: m.group(1) + ids.get(m.group(2), m.group(2)) + m.group(3), anchor)
            if row_of is not None:
                anchor = re.sub(rf"(<{p}(?:from|to)>.*?<{p}row>)(\d+)(</{p}row>)",
                                lambda m: m.group(1) + str(row_of(int(m.group(2)))) + m.group(3), anchor, flags=re.S)
            out.append(anchor)
        text = self.text(drawing)
        dp = _prefix(text, "wsDr")
        if re.search(rf"<{dp}wsDr\b[^>]*/>", text):
            text = re.sub(rf"<{dp}wsDr\b([^>]*)/>", lambda m: f"<{dp}wsDr{m.group(1)}></{dp}wsDr>", text, count=1)
        end = text.rindex(f"</{dp}wsDr>")
        self.write(drawing, text[:end] + "".join(out) + text[end:])

    def set_sheet_state(self, name: str, state: str) -> None:
        wb = self.workbook_part
        text = self.text(wb)
        p = _prefix(text, "workbook")
        pat = re.compile(rf'<{p}sheet\b[^>]*\bname="{re.escape(escape_attr(name))}"[^>]*?/?>')
        m = pat.search(text)
        if m is None:
            raise PackageError(f"シート {name} がありません")
        tag = _set_attr(m.group(0), "state", None if state == "visible" else state)
        self.write(wb, text[:m.start()] + tag + text[m.end():])


# ------------------------------------------------------------------------------------------------- drawn shapes
#: the objects of a drawing anchor that openpyxl keeps (pictures; charts in graphic frames) and those it drops
_KEPT_OBJECTS = ("pic", "graphicFrame")
_SHAPE_OBJECTS = ("sp", "grpSp", "cxnSp")
_MEDIA_CT = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp",
             "emf": "image/x-emf", "wmf": "image/x-wmf", "tif": "image/tiff", "tiff": "image/tiff",
             "svg": "image/svg+xml"}


@dataclass
class DrawnShapes:
    """The drawn shapes of one sheet (rectangles, arrows, text boxes, groups, connectors), as their drawing part
    holds them: each anchor's XML, the namespaces of the part, and what the anchors refer to by relationship id
    (rid → (type, target, external, bytes of an internal target, its extension))."""

    anchors: list[str]
    namespaces: dict[str, str]
    prefix: str  # of the spreadsheet-drawing namespace in ``anchors`` ("xdr:", or "" when it is the default)
    rels: dict[str, tuple[str, str, bool, bytes | None, str]]


def drawn_shapes(path: str | os.PathLike) -> dict[str, DrawnShapes]:
    """Per sheet name, the drawn shapes of a workbook that openpyxl's load-and-save drops (it keeps only pictures
    and charts): read from the package, to be put back by :meth:`Package.add_shapes`."""
    try:
        with zipfile.ZipFile(path) as z:
            if not any(n.startswith("xl/drawings/") and n.endswith(".xml") for n in z.namelist()):
                return {}  # most workbooks: nothing drawn, nothing more to read
    except (zipfile.BadZipFile, OSError) as e:
        raise PackageError(f"{path}: Excelブックとして読めません（{e}）") from None
    pkg = Package.open(path)
    out: dict[str, DrawnShapes] = {}
    for info in pkg.sheets():
        drawing = pkg.related(info.part, DRAWING_TYPE)
        if drawing is None or not pkg.has(drawing):
            continue
        text = pkg.text(drawing)
        root = re.search(r"<([\w.-]+:)?wsDr\b[^>]*>", text)
        if root is None:
            continue
        p = root.group(1) or ""
        namespaces = dict(re.findall(r'\sxmlns(?::([\w.-]+))?\s*=\s*"([^"]*)"', root.group(0)))
        # Excel's alternate content (form controls, slicers: their printed form is elsewhere, e.g. VML) stays out
        alternate = [m.span() for m in re.finditer(r"<([\w.-]+:)?AlternateContent\b.*?</\1AlternateContent>", text,
                                                   re.S)]
        anchors = []
        for m in re.finditer(rf"<{p}(twoCellAnchor|oneCellAnchor|absoluteAnchor)\b.*?</{p}\1>", text, re.S):
            if any(a <= m.start() < b for a, b in alternate):
                continue
            anchor = m.group(0)
            obj = re.search(rf"<{p}({'|'.join(_KEPT_OBJECTS + _SHAPE_OBJECTS)})([\s>/][^>]*)", anchor)
            if obj is None or obj.group(1) not in _SHAPE_OBJECTS:
                continue
            first_name = re.search(rf"<{p}cNvPr\b[^>]*>", anchor)
            if _attr(obj.group(2), "macro") or (first_name and _attr(first_name.group(0), "hidden") in ("1", "true")):
                continue  # a button (a shape that runs a macro) or a hidden shape: neither prints
            anchors.append(anchor)
        if not anchors:
            continue
        rels: dict[str, tuple[str, str, bool, bytes | None, str]] = {}
        rp = next((k for k, v in namespaces.items() if v == REL_NS), None)
        used = {rid for a in anchors for rid in re.findall(rf'\s{re.escape(rp)}:\w+\s*=\s*"([^"]*)"', a)} if rp else set()
        rels_name = pkg.rels_part(drawing)
        if used and pkg.has(rels_name):
            for rel in ET.fromstring(pkg.read(rels_name)):
                rid = rel.get("Id", "")
                if rid not in used:
                    continue
                target, external = rel.get("Target", ""), rel.get("TargetMode") == "External"
                data, ext = None, ""
                if not external:
                    member = pkg._resolve(drawing, target)
                    data = pkg.read(member) if pkg.has(member) else None
                    ext = PurePosixPath(member).suffix.lstrip(".").lower()
                rels[rid] = (rel.get("Type", ""), target, external, data, ext)
        out[info.name] = DrawnShapes(anchors, namespaces, p, rels)
    return out


def _ns_prefix(text: str, uri: str) -> str | None:
    m = re.search(r'xmlns:([\w.-]+)\s*=\s*"' + re.escape(uri) + '"', text)
    return m.group(1) if m else None


def _shift_sheet_indexes(text: str, p: str, index: int) -> str:
    """workbook.xml after inserting a sheet at ``index``: localSheetId, activeTab, firstSheet move with their sheets."""
    def bump(m: re.Match) -> str:
        n = int(m.group(2))
        return f'{m.group(1)}"{n + 1 if n >= index else n}"'

    text = re.sub(r'(\blocalSheetId=)"(\d+)"', bump, text)

    def view(m: re.Match) -> str:
        tag = m.group(0)
        for attr in ("activeTab", "firstSheet"):
            v = _attr(tag, attr)
            if v is not None and v.isdigit() and int(v) >= index:
                tag = _set_attr(tag, attr, str(int(v) + 1))
        if _attr(tag, "activeTab") is None and index == 0:
            tag = _set_attr(tag, "activeTab", "1")
        return tag

    return re.sub(rf"<{p}workbookView\b[^>]*>", view, text)


def _si_text(si) -> str:
    """The text of a shared string item or inline string (runs joined, phonetic runs left out)."""
    out = []
    for child in si:
        if child.tag == f"{{{MAIN_NS}}}t":
            out.append(child.text or "")
        elif child.tag == f"{{{MAIN_NS}}}r":
            t = child.find(f"{{{MAIN_NS}}}t")
            out.append(t.text or "" if t is not None else "")
    return "".join(out)


# ------------------------------------------------------------------------------------------------- a sheet part
Cell = Callable[[str | None], str]  # old <c> element (None when missing) -> new element


class SheetEdit:
    """Edits of one worksheet part, applied in one pass over its rows by :meth:`render`: cells replaced or
    inserted (in column order, rows created in row order), row attributes set, the used range widened."""

    def __init__(self, text: str):
        self.text = text
        self.p = _prefix(text, "worksheet")
        self.cells: dict[int, dict[int, Cell]] = {}
        self.row_attrs: dict[int, dict[str, str | None]] = {}
        self.clears: list[tuple[int, int, int, int, bool]] = []  # (r1, c1, r2, c2, whole cells or values only)
        self.links: list[tuple[str, str, str | None]] = []  # (cell, location in the workbook, text shown)
        self.cols: dict[int, dict[str, str | None]] = {}

    # -- queued edits (applied in the order given for one cell; clears before cell edits)
    def set_cell(self, ref: str, make: Cell) -> None:
        r, c = split_ref(ref)
        row = self.cells.setdefault(r, {})
        first = row.get(c)
        row[c] = make if first is None else (lambda old, a=first, b=make: b(a(old) or None))

    def clear(self, r1: int, c1: int, r2: int, c2: int, *, whole: bool) -> None:
        """Values (``whole``: the cells, with their format and links) of a range removed."""
        self.clears.append((r1, c1, r2, c2, whole))

    def add_link(self, ref: str, location: str, display: str | None) -> None:
        self.links.append((ref, location, display))

    def set_col(self, col: int, **attrs: str | None) -> None:
        self.cols.setdefault(col, {}).update(attrs)

    def merged(self) -> list[tuple[int, int, int, int]]:
        out = []
        for m in re.finditer(rf'<{self.p}mergeCell\s[^>]*?\bref="([^"]+)"', self.text):
            a, _, b = m.group(1).partition(":")
            (r1, c1), (r2, c2) = split_ref(a), split_ref(b or a)
            out.append((r1, c1, r2, c2))
        return out

    def set_row(self, row: int, **attrs: str | None) -> None:
        self.row_attrs.setdefault(row, {}).update(attrs)

    # -- cell builders
    def text_cell(self, ref: str, value: str, style: int | None = None, *, keep_style: bool = True) -> None:
        p = self.p

        def make(old: str | None) -> str:
            s = style if style is not None else (_cell_style(old) if keep_style else None)
            sa = f' s="{s}"' if s else ""
            space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
            return (f'<{p}c r="{ref}"{sa} t="inlineStr"><{p}is><{p}t{space}>{escape(value)}</{p}t></{p}is></{p}c>')

        self.set_cell(ref, make)

    def number_cell(self, ref: str, value: float, style: int | None = None) -> None:
        p = self.p

        def make(old: str | None) -> str:
            s = style if style is not None else _cell_style(old)
            sa = f' s="{s}"' if s else ""
            v = int(value) if float(value).is_integer() else value
            return f'<{p}c r="{ref}"{sa}><{p}v>{v}</{p}v></{p}c>'

        self.set_cell(ref, make)

    def formula_cell(self, ref: str, formula: str, value: object) -> None:
        """A cell holding ``formula`` ("=2+3") with ``value`` as its computed (cached) value: a number, text,
        a bool or None (no value saved); the cell's style is kept."""
        p = self.p
        f = f"<{p}f>{escape(formula[1:] if formula.startswith('=') else formula)}</{p}f>"
        if value is None:
            t, v = "", ""
        elif isinstance(value, bool):
            t, v = ' t="b"', f"<{p}v>{int(value)}</{p}v>"
        elif isinstance(value, (int, float)):
            t, v = "", f"<{p}v>{int(value) if float(value).is_integer() else value}</{p}v>"
        else:
            t, v = ' t="str"', f"<{p}v>{escape(str(value))}</{p}v>"

        def make(old: str | None) -> str:
            s = _cell_style(old)
            sa = f' s="{s}"' if s else ""
            return f'<{p}c r="{ref}"{sa}{t}>{f}{v}</{p}c>'

        self.set_cell(ref, make)

    def style_cell(self, ref: str, style: int | Callable[[int], int]) -> None:
        """Only the style of a cell (its value, formula, cached value and other attributes kept); ``style`` may be
        a function of the style the cell shows when the edit is applied."""
        p = self.p
        default = None

        def make(old: str | None) -> str:
            nonlocal default
            if callable(style):
                current = _cell_style(old)
                if current is None:
                    if default is None:
                        default = self.style_of(ref)
                    current = default
                new = style(current)
            else:
                new = style
            if old is None:
                return f'<{p}c r="{ref}" s="{new}"/>' if new else f'<{p}c r="{ref}"/>'
            end = old.index(">") + 1
            return _set_attr(old[:end], "s", str(new) if new else None) + old[end:]

        self.set_cell(ref, make)

    # -- reading
    def cell_xml(self, ref: str) -> str | None:
        m = re.search(rf'<{self.p}c\s[^>]*?\br="{ref}"[^>]*?(?:/>|>.*?</{self.p}c>)', self.text, re.S)
        return m.group(0) if m else None

    def style_of(self, ref: str) -> int:
        """The style a cell shows: its own, else its row's (customFormat), else its column's, else 0."""
        cell = self.cell_xml(ref)
        if cell is not None:
            return _cell_style(cell) or 0
        r, c = split_ref(ref)
        m = re.search(rf'<{self.p}row\s[^>]*?\br="{r}"[^>]*?>', self.text)
        if m and _attr(m.group(0), "customFormat") in ("1", "true") and _attr(m.group(0), "s"):
            return int(_attr(m.group(0), "s"))
        for col in re.finditer(rf"<{self.p}col\s[^>]*?/?>", self.text):
            lo, hi = int(_attr(col.group(0), "min") or 0), int(_attr(col.group(0), "max") or 0)
            if lo <= c <= hi and _attr(col.group(0), "style"):
                return int(_attr(col.group(0), "style"))
        return 0

    # -- applying
    def render(self) -> str:
        if self.links or self.cols or self.clears:
            self.text = self._render_links(self._render_cols(self.text))
        if not self.cells and not self.row_attrs and not self.clears:
            return self.text
        p = self.p
        todo = sorted(set(self.cells) | set(self.row_attrs))
        m = re.search(rf"<{p}sheetData\b[^>]*?(/>|>)", self.text)
        if m is None:
            raise PackageError("シートに sheetData がありません")
        if m.group(1) == "/>":
            head, body, tail = self.text[:m.start()] + f"<{p}sheetData>", "", f"</{p}sheetData>" + self.text[m.end():]
        else:
            end = self.text.index(f"</{p}sheetData>", m.end())
            head, body, tail = self.text[:m.end()], self.text[m.end():end], self.text[end:]
        out: list[str] = []
        pos = 0
        implicit = 0
        pending = list(todo)
        row_re = re.compile(rf"<{p}row(?=[\s/>])[^>]*?(?:/>|>.*?</{p}row>)", re.S)
        for rm in row_re.finditer(body):
            start_tag = rm.group(0)[:rm.group(0).index(">") + 1]
            r_attr = _attr(start_tag, "r")
            r = int(r_attr) if r_attr else implicit + 1
            implicit = r
            while pending and pending[0] < r:
                out.append(body[pos:rm.start()])
                pos = rm.start()
                out.append(self._new_row(pending.pop(0)))
            cleared = any(r1 <= r <= r2 for r1, _c1, r2, _c2, _w in self.clears)
            if (pending and pending[0] == r) or cleared:
                if pending and pending[0] == r:
                    pending.pop(0)
                if r_attr is None:
                    raise PackageError(f"{r}行目に行番号がないため、書き込めません")
                out.append(body[pos:rm.start()])
                out.append(self._edit_row(r, rm.group(0)))
                pos = rm.end()
        out.append(body[pos:])
        for r in pending:
            out.append(self._new_row(r))
        text = head + "".join(out) + tail
        return self._widen_dimension(text, todo)

    def _row_tag(self, r: int, tag: str) -> str:
        for k, v in self.row_attrs.get(r, {}).items():
            tag = _set_attr(tag, k, v)
        return tag

    def _new_row(self, r: int) -> str:
        p = self.p
        cells = "".join(make(None) for _c, make in sorted(self.cells.get(r, {}).items()))
        return self._row_tag(r, f'<{p}row r="{r}">') + cells + f"</{p}row>"

    def _edit_row(self, r: int, xml: str) -> str:
        p = self.p
        end = xml.index(">") + 1
        tag = xml[:end]
        self_closing = tag.endswith("/>")
        body = "" if self_closing else xml[end:-len(f"</{p}row>")]
        if self_closing:
            tag = tag[:-2].rstrip() + ">"
        clears = [(c1, c2, whole) for r1, c1, r2, c2, whole in self.clears if r1 <= r <= r2]
        if clears:
            body = _element(p, "c").sub(lambda m: _cleared(m.group(0), clears), body)
        edits = dict(self.cells.get(r, {}))
        if edits:
            cell_re = re.compile(rf"<{p}c(?=[\s/>])[^>]*?(?:/>|>.*?</{p}c>)", re.S)
            out, pos, inserted = [], 0, False
            for cm in cell_re.finditer(body):
                ref = _attr(cm.group(0)[:cm.group(0).index(">") + 1], "r")
                if ref is None:
                    raise PackageError(f"{r}行目のセルに番地がないため、書き込めません")
                c = split_ref(ref)[1]
                for k in sorted(k for k in edits if k < c):
                    out.append(body[pos:cm.start()])
                    pos = cm.start()
                    out.append(edits.pop(k)(None))
                    inserted = True
                if c in edits:
                    out.append(body[pos:cm.start()])
                    out.append(edits.pop(c)(cm.group(0)))
                    pos = cm.end()
            out.append(body[pos:])
            inserted = inserted or bool(edits)
            for k in sorted(edits):
                out.append(edits[k](None))
            body = "".join(out)
            if inserted:
                tag = _set_attr(tag, "spans", None)  # the cells now reach past the spans Excel noted
        tag = self._row_tag(r, tag)
        return tag + body + f"</{p}row>"

    def _widen_dimension(self, text: str, rows: list[int]) -> str:
        p = self.p
        m = re.search(rf'<{p}dimension\b[^>]*?\bref="([^"]*)"[^>]*?/>', text)
        if m is None or not rows:
            return text
        ref = m.group(1)
        a, _, b = ref.partition(":")
        b = b or a
        try:
            r1, c1 = split_ref(a)
            r2, c2 = split_ref(b)
        except PackageError:
            return text
        cols = [c for r in self.cells for c in self.cells[r]]
        nr1, nr2 = min([r1] + rows), max([r2] + rows)
        nc1, nc2 = min([c1] + cols), max([c2] + cols)
        if (nr1, nr2, nc1, nc2) == (r1, r2, c1, c2):
            return text
        new = f"{col_letters(nc1)}{nr1}:{col_letters(nc2)}{nr2}"
        return text[:m.start(1)] + new + text[m.end(1):]


    def _render_cols(self, text: str) -> str:
        if not self.cols:
            return text
        p = self.p
        m = re.search(rf"<{p}cols>(.*?)</{p}cols>", text, re.S)
        found = [] if m is None else [(int(_attr(c, "min")), int(_attr(c, "max")), c)
                                      for c in re.findall(rf"<{p}col\s[^>]*?/>", m.group(1))]
        for col, attrs in self.cols.items():
            for i, (lo, hi, tag) in enumerate(found):
                if lo <= col <= hi:
                    parts = []
                    if lo < col:
                        parts.append((lo, col - 1, _set_attr(tag, "max", str(col - 1))))
                    mine = _set_attr(_set_attr(tag, "min", str(col)), "max", str(col))
                    for k, v in attrs.items():
                        mine = _set_attr(mine, k, v)
                    parts.append((col, col, mine))
                    if col < hi:
                        parts.append((col + 1, hi, _set_attr(tag, "min", str(col + 1))))
                    found[i:i + 1] = parts
                    break
            else:
                tag = f'<{p}col min="{col}" max="{col}"/>'
                if "hidden" in attrs and "width" not in attrs:
                    tag = _set_attr(tag, "width", "8.43")
                for k, v in attrs.items():
                    tag = _set_attr(tag, k, v)
                found.append((col, col, tag))
        found.sort()
        cols = f"<{p}cols>" + "".join(t for _lo, _hi, t in found) + f"</{p}cols>"
        if m is not None:
            return text[:m.start()] + cols + text[m.end():]
        at = re.search(rf"<{p}sheetData\b", text).start()
        return text[:at] + cols + text[at:]

    def _render_links(self, text: str) -> str:
        clears = [c for c in self.clears if c[4]]
        if not self.links and not clears:
            return text
        p = self.p
        m = re.search(rf"<{p}hyperlinks>(.*?)</{p}hyperlinks>", text, re.S)
        kept = [] if m is None else re.findall(rf"<{p}hyperlink\s[^>]*?/>", m.group(1))
        new_refs = {ref for ref, _l, _d in self.links}

        def gone(tag: str) -> bool:
            ref = (_attr(tag, "ref") or "").split(":")[0]
            try:
                r, c = split_ref(ref)
            except PackageError:
                return False
            return ref in new_refs or any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2, _w in clears)

        kept = [t for t in kept if not gone(t)]
        for ref, location, display in self.links:
            shown = "" if display is None else f' display="{escape_attr(display)}"'
            kept.append(f'<{p}hyperlink ref="{ref}" location="{escape_attr(location)}"{shown}/>')
        if m is not None:
            text = text[:m.start()] + text[m.end():]
        if not kept:
            return text
        return insert_before(text, p, f"<{p}hyperlinks>{''.join(kept)}</{p}hyperlinks>", HYPERLINKS_BEFORE)


#: the elements that follow <hyperlinks> in a worksheet part (schema order)
HYPERLINKS_BEFORE = ("printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
                     "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
                     "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                     "tableParts", "extLst")


def insert_before(text: str, p: str, xml: str, following: tuple[str, ...]) -> str:
    """``xml`` inserted into a worksheet part before the first of the elements ``following`` (else at its end)."""
    pos = None
    for local in following:
        hit = re.search(rf"<{p}{local}[\s/>]", text)
        if hit and (pos is None or hit.start() < pos):
            pos = hit.start()
    if pos is None:
        pos = text.rindex(f"</{p}worksheet>")
    return text[:pos] + xml + text[pos:]


def _cleared(cell: str, clears: list[tuple[int, int, bool]]) -> str:
    start = cell[:cell.index(">") + 1]
    ref = _attr(start, "r")
    if ref is None:
        return cell
    c = split_ref(ref)[1]
    for c1, c2, whole in clears:
        if c1 <= c <= c2:
            if whole:
                return ""
            s = _attr(start, "s")
            p = re.match(r"<([\w.-]+:)?c", start).group(1) or ""
            return f'<{p}c r="{ref}" s="{s}"/>' if s else ""
    return cell


def _cell_style(old: str | None) -> int | None:
    if old is None:
        return None
    s = _attr(old[:old.index(">") + 1], "s")
    return int(s) if s and s.isdigit() else None


# ------------------------------------------------------------------------------------------------- styles
class Styles:
    """Fonts, fills and cell formats appended to ``xl/styles.xml`` (an identical entry is reused), the existing
    entries untouched so every style index in the workbook keeps its meaning."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        wb = pkg.workbook_part
        part = None
        for r in ET.fromstring(pkg.read(pkg.rels_part(wb))):
            if r.get("Type", "").endswith("/styles"):
                part = pkg._resolve(wb, r.get("Target", ""))
        if part is None or not pkg.has(part):
            raise PackageError(f"{pkg.path}: 書式の部品（styles.xml）がありません")
        self.part = part
        self.text = pkg.text(part)
        self.p = _prefix(self.text, "styleSheet")

    def _section(self, collection: str) -> tuple[int, int, int]:
        """(start of the start tag, end of the start tag, start of the end tag) of a collection element."""
        p = self.p
        m = re.search(rf"<{p}{collection}\b[^>]*?(/?)>", self.text)
        if m is None:
            raise PackageError(f"styles.xml に {collection} がありません")
        if m.group(1):
            tag = m.group(0)[:-2].rstrip() + ">"
            self.text = self.text[:m.start()] + tag + f"</{p}{collection}>" + self.text[m.end():]
            return self._section(collection)
        return m.start(), m.end(), self.text.index(f"</{p}{collection}>", m.end())

    def items(self, collection: str, item: str) -> list[str]:
        _s, a, b = self._section(collection)
        return [m.group(0) for m in _element(self.p, item).finditer(self.text, a, b)]

    def add(self, collection: str, item: str, xml: str) -> int:
        existing = self.items(collection, item)
        if xml in existing:
            return existing.index(xml)
        s, a, b = self._section(collection)
        tag = _set_attr(self.text[s:a], "count", str(len(existing) + 1))
        self.text = self.text[:s] + tag + self.text[a:b] + xml + self.text[b:]
        self.pkg.write(self.part, self.text)
        return len(existing)

    def xf(self, index: int) -> str:
        xfs = self.items("cellXfs", "xf")
        return xfs[index] if 0 <= index < len(xfs) else xfs[0]

    def fill(self, index: int) -> str:
        fills = self.items("fills", "fill")
        return fills[index] if 0 <= index < len(fills) else fills[0]

    def fill_of(self, style: int) -> str:
        fid = _attr(self.xf(style)[:self.xf(style).index(">") + 1], "fillId") or "0"
        return self.fill(int(fid))

    def with_fill(self, style: int, fill_xml: str) -> int:
        """The index of a cell format equal to ``style`` but with the fill ``fill_xml`` (added when new)."""
        fill_id = self.add("fills", "fill", fill_xml)
        xf = self.xf(style)
        end = xf.index(">") + 1
        tag = _set_attr(xf[:end], "fillId", str(fill_id))
        tag = _set_attr(tag, "applyFill", "1")
        return self.add("cellXfs", "xf", tag + xf[end:])

    def font(self, xml: str) -> int:
        return self.add("fonts", "font", xml)

    def derive(self, style: int, **attrs: str) -> int:
        """The index of a cell format equal to ``style`` but for the attributes ``attrs`` (fontId="3", …)."""
        xf = self.xf(style)
        end = xf.index(">") + 1
        tag = xf[:end]
        for k, v in attrs.items():
            tag = _set_attr(tag, k, v)
        return self.add("cellXfs", "xf", tag + xf[end:])

    def with_font(self, style: int, change: Callable[[str], str]) -> int:
        """``style`` with its font changed by ``change`` (font XML to font XML)."""
        xf = self.xf(style)
        fid = int(_attr(xf[:xf.index(">") + 1], "fontId") or 0)
        fonts = self.items("fonts", "font")
        font = fonts[fid] if fid < len(fonts) else fonts[0]
        return self.derive(style, fontId=str(self.font(change(font))), applyFont="1")

    def font_with(self, font: str, local: str, value: str | None, attr: str = "val") -> str:
        """Font XML with its child ``local`` set (``value`` "" for a flag such as <b/>; None removes it)."""
        p = self.p
        if font.endswith("/>"):
            font = font[:-2].rstrip() + f"></{p}font>"
        font = re.sub(rf"<{p}{local}\b[^>]*/>", "", font)
        if value is None:
            return font
        child = f"<{p}{local}/>" if value == "" else f'<{p}{local} {attr}="{escape_attr(value)}"/>'
        return font.replace(f"</{p}font>", child + f"</{p}font>")
