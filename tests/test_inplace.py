"""In-place commands change only what pia-excel owns, on workbooks as staff leave them.

The corpus is made by real tools: LibreOffice (driven through UNO by ``tests/lo_decorate.py``) saves our sample
after a picture, a drawn shape, a comment and a chart were added, and again after rows were inserted, columns
widened, a row made taller and one hidden; XlsxWriter writes a 評価書 holding an image, dropdowns, a data bar and
sparklines (Excel 2010 extensions openpyxl drops) plus an Excel 2010 extended list validation, a formula with its
cached value and a count typed "約5"; the macro-enabled template carries VBA and buttons. Every in-place command
runs on a copy of each; afterwards every package part the command does not own has its bytes unchanged, the parts
it owns changed only where it writes, LibreOffice opens the result and its PDF still shows the picture.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pia_excel import api
from pia_excel.cli import main
from pia_excel.pdf.render import to_pdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "kushiro_shuno_juten.xlsx"
TEMPLATE = ROOT / "workbook_templates" / "juten.xlsm"
DATE = "令和7年6月1日"
#: parts every writer may touch when it adds a sheet or a style (their untouched entries are checked below)
STRUCTURE = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml"}
X14_LIST = ('<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
            'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
            '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
            '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
            "<x14:formula1><xm:f>'選択肢'!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>H2:H20</xm:sqref>"
            "</x14:dataValidation></x14:dataValidations></ext>")

pytestmark = pytest.mark.libreoffice


def png(width: int = 32, height: int = 24) -> bytes:
    raw = b"".join(b"\x00" + b"".join(bytes([(x * 8) % 256, (y * 10) % 256, 160]) for x in range(width))
                   for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def libreoffice(src: Path, dst: Path, mode: str, tmp: Path, picture: Path | None = None) -> Path:
    args = ["/usr/bin/python3", str(ROOT / "tests" / "lo_decorate.py"), str(src), str(dst), str(tmp / f"lo-{mode}"),
            mode] + ([str(picture)] if picture else [])
    subprocess.run(args, check=True, timeout=300)
    return dst


def xlsxwriter_book(dst: Path, picture: Path) -> Path:
    """The sample transcribed with XlsxWriter (values, merges, widths, defined names, list dropdowns), plus an
    image on 別添1, a data bar and sparklines, a formula with its cached value in 評価書番号 and a count typed
    "約5"; then Excel's extended list validation added to the Ⅰ sheet's extension list."""
    import xlsxwriter

    src = openpyxl.load_workbook(SAMPLE)
    book = xlsxwriter.Workbook(str(dst))
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    count_cell = next(list(src.defined_names[n].destinations)[0] for n in src.defined_names
                      if n.endswith(".count") and src[list(src.defined_names[n].destinations)[0][0]][
                          list(src.defined_names[n].destinations)[0][1].replace("$", "")].value is not None)
    for ws in src.worksheets:
        out = book.add_worksheet(ws.title)
        merged = {}
        for rng in ws.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = rng
        covered = {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)
                   for c in range(rng.min_col, rng.max_col + 1)}
        for letter, dim in ws.column_dimensions.items():
            if dim.width:
                idx = openpyxl.utils.column_index_from_string(letter) - 1
                out.set_column(idx, idx, dim.width)
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                key = (cell.row, cell.column)
                if key in merged:
                    rng = merged[key]
                    out.merge_range(rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1,
                                    "" if v is None else v, wrap)
                    continue
                if v is None or key in covered:
                    continue
                if isinstance(v, str):
                    out.write_string(cell.row - 1, cell.column - 1, v, wrap)
                elif isinstance(v, (int, float)):
                    out.write_number(cell.row - 1, cell.column - 1, v)
        for dv in ws.data_validations.dataValidation:
            if dv.type != "list" or not dv.formula1:
                continue
            f = dv.formula1
            source = f.strip('"').split(",") if f.startswith('"') else "=" + f
            for rng in dv.sqref.ranges:
                out.data_validation(rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1,
                                    {"validate": "list", "source": source})
        if ws.title.startswith("別添1"):
            out.insert_image("D2", "flow.png", {"image_data": __import__("io").BytesIO(picture.read_bytes())})
        if ws.title.startswith("Ⅰ"):
            out.conditional_format("H2:H6", {"type": "data_bar", "data_bar_2010": True})
            out.write_number("H2", 3)
            out.add_sparkline("I2", {"range": f"'{ws.title}'!H2:H6"})
        if ws.title == "表紙":
            out.write_formula("C2", "=2+3", None, 5)
        if ws.title == count_cell[0]:
            out.write_string(count_cell[1].replace("$", ""), "約5")
    for name in src.defined_names:
        book.define_name(name, "=" + src.defined_names[name].attr_text)
    book.close()
    # Excel's extended list validation (what Excel writes for a list on another sheet), into the extension list
    # XlsxWriter wrote for the data bar
    tmp = dst.with_suffix(".tmp")
    with zipfile.ZipFile(dst) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        sheet = _part_of(zin, next(ws.title for ws in src.worksheets if ws.title.startswith("Ⅰ")))
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == sheet:
                text = data.decode()
                assert "<extLst>" in text
                data = text.replace("<extLst>", "<extLst>" + X14_LIST, 1).encode()
            zout.writestr(item, data)
    tmp.replace(dst)
    return dst


def _part_of(z: zipfile.ZipFile, sheet: str) -> str:
    wb = z.read("xl/workbook.xml").decode()
    rid = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="([^"]+)"', wb).group(1)
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    target = re.search(r'Id="' + rid + r'"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="' + rid + '"', rels)
    return "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("corpus")
    picture = tmp / "flow.png"
    picture.write_bytes(png())
    return {
        "libreoffice": libreoffice(SAMPLE, tmp / "libreoffice.xlsx", "decorate", tmp, picture),
        "xlsxwriter": xlsxwriter_book(tmp / "xlsxwriter.xlsx", picture),
        "reshaped": libreoffice(SAMPLE, tmp / "reshaped.xlsx", "reshape", tmp),
        "template": TEMPLATE,
    }


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def sheet_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {name: _part_of(z, name) for name in re.findall(r'<sheet [^>]*name="([^"]+)"',
                                                                  z.read("xl/workbook.xml").decode())}


def rows(xml: str) -> tuple[str, dict[int, str]]:
    """(the part with its rows taken out, {row number: row element})."""
    found = {int(m.group(1)): m.group(0) for m in re.finditer(r'<row r="(\d+)"[^>]*?(?:/>|>.*?</row>)', xml, re.S)}
    return re.sub(r'<row r="\d+"[^>]*?(?:/>|>.*?</row>)', "", xml, flags=re.S), found


def styles_only(row: str) -> str:
    """A row element without cell styles, spans and empty cells: what a highlight may change."""
    row = re.sub(r'\sspans="[^"]*"', "", row)
    row = re.sub(r'<c r="[A-Z]+\d+"(?: s="\d+")?/>', "", row)
    return re.sub(r'(<c [^>]*?) s="\d+"', r"\1", row)


def check_only_owned(before: dict[str, bytes], after: dict[str, bytes], owned: dict[str, object]) -> int:
    """Every part not in ``owned`` (a part name -> check of its old and new text) and not new has its bytes; the
    owned ones pass their check. Returns the number of parts kept byte for byte."""
    kept = 0
    assert set(before) <= set(after), f"parts lost: {set(before) - set(after)}"
    for name, data in before.items():
        if after[name] == data:
            kept += 1
            continue
        assert name in owned or name in STRUCTURE, f"{name} changed"
        check = owned.get(name)
        if check is not None:
            check(data.decode(), after[name].decode())
    for name in set(after) - set(before):
        assert name.startswith("xl/worksheets/sheet"), f"unexpected new part {name}"
    return kept


def check_structure(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """workbook.xml, its rels, content types and styles: only additions (a sheet, a name's range, styles)."""
    for name in STRUCTURE & set(before):
        old, new = before[name].decode(), after[name].decode()
        if name == "xl/styles.xml":  # entries appended, counts raised; every existing entry kept
            for tag in ("fonts", "fills", "cellXfs"):
                o = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", old, re.S).group(1)
                n = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", new, re.S).group(1)
                assert n.startswith(o), tag
            assert re.sub(r"<(fonts|fills|cellXfs)\b.*?</\1>", "", old, flags=re.S) == \
                re.sub(r"<(fonts|fills|cellXfs)\b.*?</\1>", "", new, flags=re.S)
        elif name == "xl/workbook.xml":  # every name kept; a sheet-local one still on its sheet
            new_names = defined_names(new)
            for key, text in defined_names(old).items():
                assert new_names.get(key) == text or "henko_kasho" in key[0], key
        else:
            for m in re.finditer(r"<(Override|Default|Relationship) [^>]*/>", old):
                assert m.group(0) in new


def defined_names(xml: str) -> dict[tuple[str, str | None], str]:
    sheets = re.findall(r'<sheet [^>]*name="([^"]+)"', xml)
    out = {}
    for m in re.finditer(r"<definedName ([^>]*)>([^<]*)</definedName>", xml):
        name = re.search(r'\bname="([^"]*)"', m.group(1)).group(1)
        local = re.search(r'\blocalSheetId="(\d+)"', m.group(1))
        out[(name, sheets[int(local.group(1))] if local else None)] = m.group(2)
    return out


def highlights_only(old: str, new: str) -> None:
    o_rest, o_rows = rows(old)
    n_rest, n_rows = rows(new)
    assert re.sub(r'<dimension ref="[^"]*"/>', "", o_rest) == re.sub(r'<dimension ref="[^"]*"/>', "", n_rest)
    assert set(o_rows) <= set(n_rows)
    for r, row in n_rows.items():
        assert styles_only(row) == styles_only(o_rows.get(r, f'<row r="{r}"></row>')), f"row {r}"


def result_sheet_kept(old: str, new: str) -> None:
    """An existing 検証結果 sheet (the template's, with its buttons): new cells and links, the rest kept."""
    def rest(x: str) -> str:
        return re.sub(r"<sheetData>.*?</sheetData>|<sheetData/>|<hyperlinks>.*?</hyperlinks>|<dimension [^>]*/>", "", x,
                      flags=re.S)

    assert rest(old) == rest(new)


def appended_rows_only(texts: list[str]):
    def check(old: str, new: str) -> None:
        o_rest, o_rows = rows(old)
        n_rest, n_rows = rows(new)
        strip = lambda x: re.sub(r'<dimension ref="[^"]*"/>|sqref="[^"]*"|<xm:sqref>[^<]*</xm:sqref>', "", x)  # noqa: E731
        assert strip(o_rest) == strip(n_rest)
        changed = [r for r in n_rows if n_rows[r] != o_rows.get(r)]
        assert changed, "no row written"
        for r in changed:
            assert any(t in n_rows[r] for t in texts), f"row {r} changed: {n_rows[r][:200]}"
    return check


def one_cell(ref: str, text: str):
    def check(old: str, new: str) -> None:
        o_rest, o_rows = rows(old)
        n_rest, n_rows = rows(new)
        assert o_rest == n_rest
        changed = [r for r in n_rows if n_rows[r] != o_rows.get(r)]
        assert changed == [int(re.sub(r"\D", "", ref))]
        strip = lambda x: re.sub(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', "", x, flags=re.S)  # noqa: E731
        assert strip(n_rows[changed[0]]) == strip(o_rows[changed[0]])
        assert text in n_rows[changed[0]]
    return check


def pdf_images(path: Path, tmp: Path) -> int:
    pdf = to_pdf(path, tmp / (path.stem + ".pdf"))
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return len(out.splitlines()) - 2


def run(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


KEPT: dict[str, int] = {}


@pytest.mark.parametrize("member", ["libreoffice", "xlsxwriter", "reshaped", "template"])
@pytest.mark.parametrize("command", ["validate", "changelog", "publish", "button"])
def test_in_place_commands_change_only_what_they_own(corpus, member, command, tmp_path):
    src = corpus[member]
    book = tmp_path / src.name
    shutil.copy(src, book)
    before = parts(book)
    sheets = sheet_parts(book)
    read = api.load(book)
    owned: dict[str, object] = {}
    if command in ("validate", "button"):
        if command == "validate":
            r = run("validate", book, "--in-place", "--today", "2025-06-01")
            assert r.exit_code in (0, 1), r.output
        else:  # the 検証 button's handler run on the file without Excel (its actions written into the package)
            from pia_excel.addin import handlers, harness

            harness.run_on_file(lambda b: handlers.validate_book(b, today=dt.date(2025, 6, 1)), book)
        report = api.validate(read)
        for sheet in {f.sheet for f in report.findings if f.sheet and f.cell}:
            owned[sheets[sheet]] = highlights_only
        if "検証記録" in sheets:
            owned[sheets["検証記録"]] = None
        if "検証結果" in sheets:
            owned[sheets["検証結果"]] = result_sheet_kept
    elif command == "changelog":
        old = read.doc.model_copy(deep=True)
        old.cover.hyokasho_mei = (old.cover.hyokasho_mei or "") + "（旧）"
        api.save(old, tmp_path / "old.json")
        r = run("changelog", tmp_path / "old.json", book, "--date", DATE, "--in-place")
        assert r.exit_code == 0, r.output
        table = next(s for s in sheets if s.startswith("別添") and "変更箇所" in s)
        owned[sheets[table]] = appended_rows_only(["評価書名", "令和7年6月1日"])
    else:
        r = run("publish", book, "--date", DATE)
        assert r.exit_code == 0, r.output
        sheet, ref = read.cell_of("cover.kohyo_bi")
        owned[sheets[sheet]] = one_cell(ref.replace("$", ""), DATE)
        if "_pia_baseline" in sheets:
            owned[sheets["_pia_baseline"]] = None
    after = parts(book)
    kept = check_only_owned(before, after, owned)
    check_structure(before, after)
    KEPT[f"{member}/{command}"] = (kept, len(before))
    # the result reads back, with what the command wrote
    again = api.load(book)
    if command == "changelog":
        assert any(row.item and "評価書名" in row.item for row in again.doc.annex2.henko_kasho)
    elif command == "publish":
        assert str(again.doc.cover.kohyo_bi) == DATE
        assert run("changelog", book, "--date", "令和7年6月2日", "--in-place").exit_code == 0
        assert parts(book) == after  # nothing changed since: nothing written
    else:
        wb = openpyxl.load_workbook(book, read_only=True)
        assert wb.sheetnames[0] == "検証結果" or "検証結果" in wb.sheetnames
    # LibreOffice opens it; the picture is printed
    n = pdf_images(book, tmp_path)
    if member in ("libreoffice", "xlsxwriter"):
        assert n >= 1
    print(f"{member}/{command}: {kept} of {len(before)} parts byte-identical, {n} image(s) in the PDF")


def test_typed_values_and_formulas_survive_every_in_place_write(corpus, tmp_path):
    """The formula (with its cached value) and "約5" of the XlsxWriter book are kept by validate, changelog and
    publish: their cells are byte-identical, 評価書番号 still reads 5 (no false "required" finding), 約5 is
    still reported."""
    book = tmp_path / "b.xlsx"
    shutil.copy(corpus["xlsxwriter"], book)
    first = api.load(book)
    assert first.doc.cover.hyokasho_no == 5
    assert "約5" in first.doc.invalid_values.values()
    cover = sheet_parts(book)["表紙"]
    formula = re.search(r'<c r="C2"[^>]*>.*?</c>', parts(book)[cover].decode(), re.S).group(0)
    assert "<f>2+3</f>" in formula and "<v>5</v>" in formula
    assert run("validate", book, "--in-place").exit_code in (0, 1)
    old = first.doc.model_copy(deep=True)
    old.cover.hyokasho_mei = (old.cover.hyokasho_mei or "") + "（旧）"
    api.save(old, tmp_path / "old.json")
    assert run("changelog", tmp_path / "old.json", book, "--date", DATE, "--in-place").exit_code == 0
    assert run("publish", book, "--date", DATE).exit_code == 0
    after = re.search(r'<c r="C2"[^>]*>.*?</c>', parts(book)[cover].decode(), re.S).group(0)
    # the same formula and cached value; the style may be a highlight (validate reports the formula: R006)
    assert re.sub(r' s="\d+"', "", after) == re.sub(r' s="\d+"', "", formula)
    last = api.load(book)
    assert last.doc.cover.hyokasho_no == 5
    assert "約5" in last.doc.invalid_values.values()
    assert any("約5" in i.message for i in last.issues)
    assert last.doc.formulas == {"cover.hyokasho_no": "=2+3"}
    report = api.validate(last)
    # the formula is reported (R006, its computed value read), nothing else is said of the cell
    assert [f.code for f in report.findings if f.path == "cover.hyokasho_no"] == ["R006"]
