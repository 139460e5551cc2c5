"""The macro-enabled templates: current with the spec and macros/, VBA that tools and interpreters can read and
run, buttons linked to the Subs, and files that survive openpyxl and LibreOffice."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # before xlwings is imported (JSON books, test_xl)
os.environ.setdefault("XLWINGS_ON_SERVER", "true")

from openpyxl import load_workbook  # noqa: E402

from pia_excel import api  # noqa: E402
from pia_excel.excel import macros as templates  # noqa: E402
from pia_excel.spec import FORMS  # noqa: E402

TEMPLATES = [templates.template_path(form) for form in FORMS]
OUR_MODULES = {"PiaButtons", "xlwings", "Dictionary"}
DOCUMENT_MODULES = {"ThisWorkbook", "Sheet1", "Sheet2"}


def _vba_bin(path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def _parts(path, prefix: str) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith(prefix)}


# ---------------------------------------------------------------------------------------------- up to date
def test_committed_templates_are_current():
    """Compared by content (cells, names, buttons, VBA text), not bytes: rebuild with `pia-excel templates build`."""
    results = templates.build_templates(check=True)
    stale = {r.path.name: r.differences for r in results if r.status != "unchanged"}
    assert not stale, f"templates out of date (run: pia-excel templates build): {stale}"


def test_check_reports_a_stale_template(tmp_path):
    shutil.copy(TEMPLATES[0], tmp_path / TEMPLATES[0].name)
    wb = load_workbook(tmp_path / TEMPLATES[0].name, keep_vba=True)
    wb["表紙"]["A1"] = "古い表題"
    wb.save(tmp_path / TEMPLATES[0].name)
    results = {r.path.name: r for r in templates.build_templates(tmp_path, check=True)}
    assert results[TEMPLATES[0].name].status == "outdated"
    assert any("表紙!A1" in d for d in results[TEMPLATES[0].name].differences)
    assert results[TEMPLATES[1].name].status == "missing"
    assert not (tmp_path / TEMPLATES[1].name).exists()  # --check writes nothing


def test_build_is_deterministic_in_content_and_vba_bytes():
    doc = templates.template_documents()["juten"]
    a, b = templates.template_bytes(doc), templates.template_bytes(doc)
    assert templates.compare_content(templates.template_content(io.BytesIO(a)),
                                     templates.template_content(io.BytesIO(b))) == []
    assert _vba_bin(io.BytesIO(a)) == _vba_bin(io.BytesIO(b))


def test_cli_templates_build_check(tmp_path):
    from click.testing import CliRunner

    from pia_excel.cli import main

    res = CliRunner().invoke(main, ["templates", "build", "--check", "--dir", str(tmp_path)])
    assert res.exit_code == 1 and "ありません" in res.output
    res = CliRunner().invoke(main, ["templates", "build", "--dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["juten.xlsm", "zenkomoku.xlsm"]
    res = CliRunner().invoke(main, ["templates", "build", "--check", "--dir", str(tmp_path)])
    assert res.exit_code == 0 and "最新です" in res.output


# ---------------------------------------------------------------------------------------------- VBA sources
def test_macros_are_ascii_with_module_names():
    for path in sorted(templates.MACROS_DIR.glob("*.bas")):
        data = path.read_bytes()
        assert all(b < 128 for b in data), f"{path.name}: VBA must be ASCII-only"
        assert re.search(rb'^Attribute VB_Name = "\w+"', data, re.M), path.name


def test_non_ascii_macro_is_refused(tmp_path):
    (tmp_path / "Bad.bas").write_text('Attribute VB_Name = "Bad"\nSub X()\n    MsgBox "検証"\nEnd Sub\n',
                                      encoding="utf-8")
    with pytest.raises(templates.TemplateError, match="ASCII"):
        templates.vba_modules(tmp_path)


def test_xlwings_module_is_the_installed_version():
    import xlwings

    modules = templates.read_vba_modules(TEMPLATES[0])
    assert f"'Version: {xlwings.__version__}" in modules["xlwings"]
    want = templates.normalize_vba((templates.xlwings_dir() / "xlwings.bas").read_text())
    assert modules["xlwings"] == want


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_olevba_lists_the_modules(path):
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        found = {}
        for _file, _stream, vba_filename, code in parser.extract_macros():
            found[vba_filename.rsplit(".", 1)[0]] = code
    finally:
        parser.close()
    assert set(found) == OUR_MODULES | DOCUMENT_MODULES
    for button in templates.BUTTONS:
        assert f"Public Sub {button.macro}()" in found["PiaButtons"]
        assert f'"{button.command}"' in found["PiaButtons"]
    assert "Public Function RunPython(" in found["xlwings"]


def test_olevba_command_line_lists_the_modules():
    import sys

    beside = Path(sys.executable).parent / "olevba"  # .venv/bin is not always on PATH
    exe = str(beside) if beside.exists() else shutil.which("olevba")
    if exe is None:
        pytest.skip("olevba is not on PATH")
    out = subprocess.run([exe, "--decode", str(TEMPLATES[0])], capture_output=True, text=True, timeout=120).stdout
    for module in OUR_MODULES:
        assert re.search(rf"VBA MACRO {module}\.(bas|cls)", out), module


class _Stubbed:
    """pyOpenVBA's VBA interpreter with PiaButtons from a template and RunPython replaced by a recorder."""

    STUB = '''Attribute VB_Name = "StubXlwings"
Public LastCommand As String
Public FailWith As String
Public Function RunPython(PythonCommand As String)
    LastCommand = PythonCommand
    If FailWith <> "" Then Err.Raise 1004, "xlwings", FailWith
End Function
Public Function GetLastCommand() As String
    GetLastCommand = LastCommand
End Function
Public Sub SetFailure(ByVal message As String)
    FailWith = message
End Sub
'''

    def __init__(self, source: str):
        from pyopenvba.interpreter import Interpreter

        self.vba = Interpreter()
        self.vba.add_module(self.STUB, name="StubXlwings")
        self.vba.add_module(source, name="PiaButtons")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_each_sub_calls_runpython_with_its_command(path):
    source = templates.read_vba_modules(path)["PiaButtons"]
    run = _Stubbed(source)
    for button in templates.BUTTONS:
        run.vba.run(button.macro)
        assert run.vba.run("GetLastCommand") == button.command
        module, func = button.entry_point.rsplit(".", 1)
        import importlib

        assert callable(getattr(importlib.import_module(module), func))  # the command names a real entry point
    assert run.vba.dialogs == []


def test_a_failing_runpython_shows_a_message_not_the_debugger():
    run = _Stubbed(templates.read_vba_modules(TEMPLATES[0])["PiaButtons"])
    run.vba.run("SetFailure", ["Python was not found"])
    run.vba.run("PiaValidate")
    assert len(run.vba.dialogs) == 1
    kind, text, title, _style = run.vba.dialogs[0]
    assert kind == "MsgBox" and "Python was not found" in text and title == "pia-excel"


def test_interpreter_catches_broken_vba():
    from pyopenvba.interpreter import VBACompileError, Interpreter

    source = templates.read_vba_modules(TEMPLATES[0])["PiaButtons"]
    broken = source.replace('    PiaRun "import', '    If True Then\n    PiaRun "import', 1)  # no End If
    with pytest.raises(VBACompileError):
        Interpreter().add_module(broken, name="PiaButtons")


# ---------------------------------------------------------------------------------------------- buttons
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_buttons_on_cover_and_results_call_the_subs(path):
    want = [(b.caption, f"[0]!{b.macro}") for b in templates.BUTTONS]
    assert templates.read_buttons(path) == {"表紙": want, "検証結果": want}
    wb = load_workbook(path, keep_vba=True)
    assert wb.code_name == "ThisWorkbook"
    assert wb["表紙"].sheet_properties.codeName == "Sheet1"
    assert wb["検証結果"].sheet_properties.codeName == "Sheet2"
    assert wb.sheetnames[-2:] == ["検証結果", "選択肢"]
    with zipfile.ZipFile(path) as z:
        types = z.read("[Content_Types].xml").decode()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types


def test_result_sheet_matches_what_the_report_writes():
    """The template's 検証結果 headings and widths are the ones report.annotate writes (CLI and button agree)."""
    from pia_excel.excel import result_sheet
    from pia_excel.rules.report import annotate
    from pia_excel.rules import validate_result

    result = api.load(TEMPLATES[0])
    wb = load_workbook(TEMPLATES[0])
    annotate(wb, validate_result(result))
    made, ours = wb["検証結果"], load_workbook(TEMPLATES[0])["検証結果"]
    row = result_sheet.RESULT_HEADER_ROW
    assert [c.value for c in made[row]] == [c.value for c in ours[row]] == list(result_sheet.RESULT_HEADERS)
    for col in result_sheet.RESULT_WIDTHS:
        assert made.column_dimensions[col].width == ours.column_dimensions[col].width
    assert made[f"A{result_sheet.RESULT_BUTTON_ROW}"].value is None  # the report leaves the button row empty


# ---------------------------------------------------------------------------------------------- openpyxl
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_filling_a_template_with_openpyxl_keeps_vba_and_buttons(path, tmp_path):
    out = tmp_path / path.name
    wb = load_workbook(path, keep_vba=True)
    dest = wb.defined_names["pia.cover.kohyo_bi"].destinations
    sheet, ref = next(iter(dest))
    wb[sheet][ref.replace("$", "")] = "令和7年2月25日"
    wb.save(out)
    assert _vba_bin(out) == _vba_bin(path)
    assert _parts(out, "xl/drawings/vmlDrawing") == _parts(path, "xl/drawings/vmlDrawing")
    assert templates.read_buttons(out) == templates.read_buttons(path)
    assert str(api.load(out).doc.cover.kohyo_bi) == "令和7年2月25日"


def test_new_can_write_xlsm(tmp_path):
    from click.testing import CliRunner

    from pia_excel.cli import main

    out = tmp_path / "new.xlsm"
    res = CliRunner().invoke(main, ["new", "--form", "zenkomoku", "--files", "2", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert _vba_bin(out) == _vba_bin(TEMPLATES[1])
    assert set(templates.read_buttons(out)) == {"表紙", "検証結果"}
    result = api.load(out)
    assert result.doc.form == "zenkomoku" and len(result.doc.files) == 2
    wb = load_workbook(out, read_only=True)
    assert "Ⅱ ファイルの概要(2)" in wb.sheetnames or any(s.endswith("(2)") for s in wb.sheetnames)


def test_convert_to_xlsm_keeps_the_document(tmp_path):
    src = Path(__file__).parent / "fixtures" / "kushiro_shuno_juten.json"
    doc = api.load(src).doc
    out = tmp_path / "kushiro.xlsm"
    api.save(doc, out)
    assert api.load(out).doc == doc


# ---------------------------------------------------------------------------------------------- LibreOffice
def _soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def _lo_convert(src: Path, out_dir: Path, target: str, profile: Path) -> Path:
    exe = _soffice()
    subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                    "--outdir", str(out_dir), str(src)], check=True, capture_output=True, timeout=180)
    ext = target.split(":", 1)[0]
    out = out_dir / f"{src.stem}.{ext}"
    assert out.exists(), f"LibreOffice did not write {out}"
    return out


@pytest.mark.libreoffice
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_libreoffice_opens_template_with_modules_and_button_macros(path, tmp_path):
    """LibreOffice imports the VBA project (Basic/VBAProject/<module>.xml in the .ods) and binds every button to
    its Sub (form:button → script:event-listener VBAProject.PiaButtons.<Sub>), sheet by sheet; saved back as
    .xlsm the buttons still name the Subs."""
    profile = tmp_path / "profile"
    ods = _lo_convert(path, tmp_path, "ods", profile)
    with zipfile.ZipFile(ods) as z:
        basic = {Path(n).stem for n in z.namelist() if n.startswith("Basic/VBAProject/") and n.endswith(".xml")}
        content = z.read("content.xml").decode("utf-8")
        pia = z.read("Basic/VBAProject/PiaButtons.xml").decode("utf-8")
    assert OUR_MODULES | DOCUMENT_MODULES <= basic
    for b in templates.BUTTONS:
        assert f"Sub {b.macro}()" in pia
    links = {}
    for xml_id, label, href in re.findall(
            r'<form:button\b[^>]*?xml:id="([^"]+)"[^>]*?form:label="([^"]*)".*?xlink:href="([^"]+)"', content, re.S):
        links[xml_id] = (label, href.replace("&amp;", "&"))
    per_sheet = {}
    for part in re.split(r"(?=<table:table table:name=)", content)[1:]:
        sheet = re.match(r'<table:table table:name="([^"]+)"', part).group(1)
        for cid in re.findall(r'<draw:control\b[^>]*draw:control="([^"]+)"', part):
            per_sheet.setdefault(sheet, []).append(links[cid])
    want = [(b.caption, f"vnd.sun.star.script:VBAProject.PiaButtons.{b.macro}?language=Basic&location=document")
            for b in templates.BUTTONS]
    assert per_sheet == {"表紙": want, "検証結果": want}

    xlsm = _lo_convert(path, tmp_path / "back", "xlsm:Calc MS Excel 2007 VBA XML", profile)
    with zipfile.ZipFile(xlsm) as z:
        vml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if "vmlDrawing" in n)
        assert "xl/vbaProject.bin" in z.namelist()
    for b in templates.BUTTONS:
        assert vml.count(f"<x:FmlaMacro>PiaButtons.{b.macro}</x:FmlaMacro>") == 2


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_validate_in_place_twice_keeps_the_result_sheet_buttons(path, tmp_path):
    """The CLI fallback of the 検証 button writes into the template's own 検証結果 sheet (its buttons stay)."""
    from click.testing import CliRunner

    from pia_excel.cli import main

    book = tmp_path / path.name
    shutil.copy(path, book)
    for _ in range(2):
        r = CliRunner().invoke(main, ["validate", str(book), "--in-place"])
        assert r.exit_code == 1, r.output  # a blank template has errors (every required item)
    assert templates.read_buttons(book) == templates.read_buttons(path)
    assert _vba_bin(book) == _vba_bin(path)
    wb = load_workbook(book, keep_vba=True)
    assert wb.sheetnames.count("検証結果") == 1
    assert wb["検証結果"].sheet_properties.codeName == "Sheet2"
    assert str(wb["検証結果"]["A1"].value).startswith("検証結果")
