import os
import stat
import struct
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from pia_excel.pdf import render
from pia_excel.pdf.render import RenderError, pdf_page_count, pdf_text, pdf_to_png, to_pdf

TITLE = "特定個人情報保護評価書（全項目評価書）"


def make_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "表紙"
    ws["A1"] = TITLE
    ws["A1"].font = Font(name="Noto Sans CJK JP", size=14, bold=True)
    ws["A3"] = "評価書番号"
    ws["B3"] = "1"
    for cell in ("A3", "B3"):
        ws[cell].font = Font(name="Noto Sans CJK JP", size=10)
    ws.column_dimensions["A"].width = 20
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    wb.save(path)
    return path


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The sample workbook rendered once for this module (one soffice run, ~1.5 s)."""
    tmp = tmp_path_factory.mktemp("render")
    src = make_workbook(tmp / "評価書.xlsx")
    return to_pdf(src, tmp / "out" / "評価書.pdf")


@pytest.mark.libreoffice
def test_to_pdf_renders_japanese_text_on_one_page(rendered):
    assert rendered.name == "評価書.pdf"
    assert rendered.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(rendered)
    assert TITLE in text
    assert "評価書番号" in text
    assert pdf_page_count(rendered) == 1


@pytest.mark.libreoffice
def test_pdf_text_layout_keeps_cells_on_one_line(rendered):
    lines = [ln for ln in pdf_text(rendered, layout=True).splitlines() if "評価書番号" in ln]
    assert len(lines) == 1 and lines[0].split() == ["評価書番号", "1"]


@pytest.mark.libreoffice
def test_pdf_to_png_writes_a4_portrait_page(rendered, tmp_path):
    pngs = pdf_to_png(rendered, tmp_path / "png" / "page")
    assert pngs == [tmp_path / "png" / "page-1.png"]
    width, height = png_size(pngs[0])
    # A4 (595 x 842 pt) at 60 dpi, give or take pdftoppm's rounding
    assert abs(width - 496) <= 1 and abs(height - 702) <= 1

    pngs = pdf_to_png(rendered, tmp_path / "hi", dpi=100, first=1, last=1)
    width, height = png_size(pngs[0])
    assert abs(width - 827) <= 1 and abs(height - 1169) <= 1


@pytest.mark.libreoffice
def test_to_pdf_replaces_existing_output_atomically(rendered, tmp_path):
    out = tmp_path / "out.pdf"
    out.write_bytes(b"old")
    src = make_workbook(tmp_path / "book.xlsx")
    assert to_pdf(src, out) == out
    assert out.read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "out.pdf"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


@pytest.mark.libreoffice
def test_to_pdf_on_garbage_raises_render_error(tmp_path):
    # soffice exits 0 but writes no PDF and says so on stderr.
    src = tmp_path / "壊れた.xlsx"
    src.write_bytes(b"this is not a workbook\n\x00\x01\x02")
    out = tmp_path / "out.pdf"
    with pytest.raises(RenderError) as excinfo:
        to_pdf(src, out)
    message = str(excinfo.value)
    assert "壊れた.xlsx" in message
    assert "source file could not be loaded" in message
    assert "javaldx" not in message
    assert not out.exists()


@pytest.mark.libreoffice
def test_to_pdf_on_empty_file_gives_a_blank_page(tmp_path):
    # Real soffice behaviour: a 0-byte file opens as a new empty document.
    src = tmp_path / "empty.xlsx"
    src.write_bytes(b"")
    out = to_pdf(src, tmp_path / "empty.pdf")
    assert pdf_page_count(out) == 1
    assert pdf_text(out).strip() == ""


@pytest.mark.libreoffice
@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_to_pdf_timeout(tmp_path, warm):
    src = make_workbook(tmp_path / "book.xlsx")
    with pytest.raises(RenderError, match="timed out"):
        to_pdf(src, tmp_path / "out.pdf", timeout=0.001, warm=warm)
    assert not (tmp_path / "out.pdf").exists()


def test_to_pdf_without_soffice(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "find_soffice", lambda: None)
    src = make_workbook(tmp_path / "book.xlsx")
    with pytest.raises(RenderError, match="install_system_deps.sh") as excinfo:
        to_pdf(src, tmp_path / "out.pdf")
    assert "book.xlsx" in str(excinfo.value)


def test_to_pdf_missing_source(tmp_path):
    with pytest.raises(RenderError, match="nope.xlsx"):
        to_pdf(tmp_path / "nope.xlsx", tmp_path / "out.pdf")


@pytest.mark.libreoffice
def test_pdf_text_on_non_pdf_raises(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf")
    with pytest.raises(RenderError, match="bad.pdf"):
        pdf_text(bad)


# ---------------------------------------------------------------------------------------------- the warm office
def _gone(pid: int) -> bool:
    """No such process (or a zombie left for init)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
    except OSError:
        return True


@pytest.mark.libreoffice
def test_warm_office_survives_a_killed_and_a_hung_office_and_leaves_no_process(tmp_path):
    import signal

    from pia_excel.batch import run_batch
    from pia_excel.pdf import office as O

    assert O.uno_python(render.find_soffice()), "python3-uno missing: run scripts/install_system_deps.sh"
    srcs = [make_workbook(tmp_path / f"評価書{i}.xlsx") for i in range(5)]
    seen: list[list[int]] = []
    done: list[str] = []

    def convert(src: Path) -> Path:
        return to_pdf(src, tmp_path / "out" / (src.stem + ".pdf"), timeout=20)

    def progress(outcome) -> None:
        off = O._office
        assert off is not None, "the warm office is used"
        seen.append(list(off.pids))
        done.append(outcome.item.name)
        if len(done) == 1:  # the office dies between two files: the next file is converted by a fresh one
            os.kill(off.pids[-1], signal.SIGKILL)
        elif len(done) == 3:  # the office hangs: the next file is reported after its timeout, then one restarts
            os.kill(off.pids[-1], signal.SIGSTOP)

    try:
        outcomes = run_batch(srcs, convert, jobs=1, progress=progress)
    finally:
        pids = {p for ps in seen for p in ps} | set(O._office.pids if O._office else [])
        O.stop_office()
    assert [o.ok for o in outcomes] == [True, True, True, False, True], [o.error for o in outcomes]
    assert "タイムアウト" in outcomes[3].error
    for o in outcomes:
        if o.ok:
            assert TITLE in pdf_text(o.value)
    assert seen[0] and seen[1] and seen[4], "converted by the warm office"
    assert seen[1] != seen[0] and seen[4] != seen[2], "restarted after its death and after it hung"
    assert seen[1] == seen[2], "one office for several files"
    assert seen[3] == [], "the hung office was killed"
    assert all(_gone(p) for p in pids), "no office process left"


@pytest.mark.libreoffice
def test_an_office_that_cannot_start_is_reported_and_not_tried_again(tmp_path):
    """A Python without ``uno`` cannot run the office server: the office is marked broken (to_pdf then converts
    cold, as without python3-uno) instead of trying again for every file."""
    import sys

    from pia_excel.pdf.office import Office, OfficeDied

    src = make_workbook(tmp_path / "book.xlsx")
    off = Office(sys.executable, render.find_soffice())
    with pytest.raises(OfficeDied, match="起動できません"):
        off.convert(src, tmp_path / "out.pdf", 30)
    assert off.broken and not off.alive()
    assert to_pdf(src, tmp_path / "cold.pdf", warm=False).read_bytes()[:5] == b"%PDF-"


def test_without_poppler_the_pdf_is_written_and_its_pages_counted(tmp_path):
    """Missing poppler-utils only changes how the pages are counted (issue 15): `pia-excel pdf` still writes the PDF,
    exit 0, with the same page count as pdfinfo gives."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    bare = tmp_path / "bin"  # the PATH's programs less poppler's (pdfinfo, pdftotext, pdftoppm …)
    bare.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for exe in Path(folder).glob("*") if Path(folder).is_dir() else ():
            if not exe.name.startswith("pdf") and not (bare / exe.name).exists():
                (bare / exe.name).symlink_to(exe)
    assert not [p for p in os.listdir(bare) if p.startswith("pdf")] and (bare / "sed").exists()
    out = tmp_path / "out.pdf"
    env = {**os.environ, "PATH": str(bare), "PYTHONPATH": str(root)}
    res = subprocess.run([sys.executable, "-m", "pia_excel.cli", "pdf", str(root / "samples" / "kushiro_shuno_juten.xlsx"),
                          "-o", str(out)], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    pages = pdf_page_count(out)  # with poppler, in this process
    assert pages > 5 and f"（{pages}ページ）" in res.stdout
    assert render.pdf_page_count_plain(out) == pages
    truncated = tmp_path / "cut.pdf"
    truncated.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    with pytest.raises(RenderError):
        render.pdf_page_count_plain(truncated)
