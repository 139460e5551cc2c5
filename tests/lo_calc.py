"""LibreOffice as an independent spreadsheet application: open a workbook headless and save it again as .xlsx,
which recalculates every formula (openpyxl writes formulas without cached values) and keeps what LibreOffice
understood of the sheet (hidden rows, protection, conditional formats)."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from pia_excel.pdf.render import find_soffice


def through_libreoffice(src: Path, out_dir: Path, *, timeout: float = 300) -> Path:
    """``src`` opened and saved by LibreOffice Calc: the .xlsx it writes (in ``out_dir``)."""
    soffice = find_soffice()
    assert soffice, "LibreOffice (soffice) is needed: scripts/install_system_deps.sh"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pia-lo-") as profile:
        subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={Path(profile).as_uri()}",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir), str(src)],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=True)
    out = out_dir / (Path(src).stem + ".xlsx")
    assert out.is_file(), f"LibreOffice wrote no {out.name}"
    return out
