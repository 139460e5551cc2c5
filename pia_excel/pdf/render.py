"""Render workbooks to PDF with headless LibreOffice, and inspect PDFs with poppler.

Used by the tests (to check what a person would see on paper) and by
``pia-excel pdf``.  Needs the Debian packages installed by
``scripts/install_system_deps.sh``: libreoffice-calc, fonts-noto-cjk,
poppler-utils.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import RenderError
from .office import OfficeDied, office

__all__ = [
    "RenderError",
    "find_soffice",
    "pdf_page_count",
    "pdf_text",
    "pdf_to_png",
    "to_pdf",
]

_INSTALL_HINT = "run scripts/install_system_deps.sh (scripts/install_system_deps.sh を実行してください)"

_SOFFICE_FALLBACKS = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice")


def find_soffice() -> str | None:
    """Return the path of the LibreOffice ``soffice`` executable, or None."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in _SOFFICE_FALLBACKS:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _soffice_messages(output: bytes) -> str:
    """soffice's output, less its harmless warning about Java."""
    lines = output.decode("utf-8", "replace").splitlines()
    return "\n".join(ln for ln in lines if ln.strip() and "javaldx" not in ln)


def to_pdf(src: Path, out_pdf: Path, *, timeout: float = 180, warm: bool = True) -> Path:
    """Convert the workbook ``src`` to ``out_pdf`` with headless LibreOffice.

    ``warm``: through this process's long-lived office (:mod:`pia_excel.pdf.office`) where LibreOffice's Python
    bridge is installed; otherwise, or when that office cannot start or dies twice on the file, a cold
    ``soffice --convert-to pdf`` with its own temporary profile (so calls may run in parallel).
    ``out_pdf`` is replaced atomically: it either keeps its old content or gets the complete new PDF.
    Returns ``out_pdf``.

    Raises RenderError when soffice is missing, times out, or writes no PDF.
    """
    src = Path(src)
    out_pdf = Path(out_pdf)
    if not src.is_file():
        raise RenderError(f"{src}: no such file (ファイルがありません)")
    soffice = find_soffice()
    if soffice is None:
        raise RenderError(
            f"cannot convert {src} to PDF: LibreOffice (soffice) not found "
            f"(LibreOffice が見つかりません); {_INSTALL_HINT}"
        )

    with tempfile.TemporaryDirectory(prefix="pia-excel-render-", ignore_cleanup_errors=True) as tmp:
        outdir = Path(tmp, "out")
        outdir.mkdir()
        off = office(soffice) if warm else None
        if off is not None:
            try:
                off.convert(src.resolve(), outdir / (src.stem + ".pdf"), timeout)
            except OfficeDied:
                pass  # the cold office below is the last try
        if not any(outdir.glob("*.pdf")):
            _cold(soffice, src, outdir, Path(tmp, "profile"), timeout)
        pdfs = sorted(outdir.glob("*.pdf"))
        if not pdfs or pdfs[0].stat().st_size == 0:
            raise RenderError(f"LibreOffice produced no PDF for {src} (PDFが作成されませんでした)")
        _replace(pdfs[0], out_pdf)
    return out_pdf


def _cold(soffice: str, src: Path, outdir: Path, profile: Path, timeout: float) -> None:
    """``soffice --convert-to pdf`` of ``src`` into ``outdir``, with its own profile."""
    cmd = [
        soffice,
        "--headless",
        "--norestore",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        str(src.resolve()),
    ]
    # Own process group: soffice is a shell script that starts
    # oosplash and soffice.bin; on timeout all of them must go.
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise RenderError(
            f"LibreOffice timed out after {timeout:g}s converting {src} to PDF "
            f"(PDF変換がタイムアウトしました)"
        ) from None

    pdfs = sorted(outdir.glob("*.pdf"))
    if not pdfs or pdfs[0].stat().st_size == 0:
        detail = _soffice_messages(stderr + stdout)
        raise RenderError(
            f"LibreOffice produced no PDF for {src} (PDFが作成されませんでした; "
            f"exit code {proc.returncode})" + (f": {detail}" if detail else "")
        )


def _replace(produced: Path, out_pdf: Path) -> None:
    """Copy ``produced`` to ``out_pdf`` atomically."""
    # Copy next to out_pdf, then rename: atomic on the same file system.
    # (open "xb" rather than mkstemp, to get the usual umask permissions.)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    partial = out_pdf.with_name(f".{out_pdf.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        with open(partial, "xb") as dst, open(produced, "rb") as src_file:
            shutil.copyfileobj(src_file, dst)
        os.replace(partial, out_pdf)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _poppler(tool: str, args: list[str], pdf: Path) -> bytes:
    """Run a poppler-utils tool and return its stdout."""
    exe = shutil.which(tool)
    if exe is None:
        raise RenderError(f"{tool} not found (poppler-utils がありません); {_INSTALL_HINT}")
    result = subprocess.run([exe, *args], capture_output=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"{tool} failed on {pdf} (PDFを読めません): {detail}")
    return result.stdout


def pdf_text(pdf: Path, *, layout: bool = False) -> str:
    """Return the text of ``pdf`` (pdftotext), optionally keeping the layout."""
    args = ["-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    return _poppler("pdftotext", args, pdf).decode("utf-8")


def pdf_page_count(pdf: Path) -> int:
    """Return the number of pages of ``pdf`` (pdfinfo; without poppler-utils, :func:`pdf_page_count_plain`)."""
    if shutil.which("pdfinfo") is None:
        return pdf_page_count_plain(pdf)
    info = _poppler("pdfinfo", [str(pdf)], pdf).decode("utf-8", "replace")
    match = re.search(r"^Pages:\s+(\d+)\s*$", info, re.MULTILINE)
    if match is None:
        raise RenderError(f"pdfinfo gave no page count for {pdf}")
    return int(match.group(1))


def pdf_page_count_plain(pdf: Path) -> int:
    """The number of pages of a PDF as LibreOffice writes it (page objects not compressed), read without
    poppler-utils: its ``/Type /Page`` objects, once the file is checked to be a whole PDF (``%PDF-`` … ``%%EOF``).
    :class:`RenderError` when it is not."""
    data = Path(pdf).read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise RenderError(f"{pdf}: PDFとして完全ではありません")
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def pdf_to_png(
    pdf: Path,
    out_prefix: Path,
    *,
    dpi: int = 60,
    first: int | None = None,
    last: int | None = None,
) -> list[Path]:
    """Render pages of ``pdf`` to PNG files ``<out_prefix>-<page>.png`` (pdftoppm).

    ``first``/``last`` choose a page range (1-based, inclusive).  Returns the
    written files in page order.
    """
    out_prefix = Path(out_prefix)
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    args = ["-png", "-r", str(dpi)]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    _poppler("pdftoppm", [*args, str(pdf), str(out_prefix)], pdf)

    # pdftoppm zero-pads the page number to the width of the page count.
    count = pdf_page_count(pdf)
    pages = range(max(first or 1, 1), min(last or count, count) + 1)
    written = []
    for page in pages:
        for width in range(len(str(count)), 0, -1):
            path = out_prefix.with_name(f"{out_prefix.name}-{page:0{width}d}.png")
            if path.is_file():
                written.append(path)
                break
        else:
            raise RenderError(f"pdftoppm wrote no PNG for page {page} of {pdf}")
    return written
