"""Run by the system Python (which has LibreOffice's ``uno``), not the project's: open a workbook in headless
LibreOffice, do what staff do to it in an office suite, and let LibreOffice save it as .xlsx.

    /usr/bin/python3 tests/lo_decorate.py SRC DST PROFILE_DIR MODE [PNG]

MODE ``decorate``: a picture (PNG) and a drawn rectangle with text on the 別添1 sheet, a comment on 表紙!A1, and a
new sheet 集計 holding a small table and a chart of it. MODE ``reshape``: two rows inserted above row 3 of the 変更箇所
sheet, column B of the Ⅰ sheet widened, row 4 of the Ⅰ sheet made taller and row 6 of 表紙 hidden.
"""
import os
import subprocess
import sys
import time

sys.path.append("/usr/lib/python3/dist-packages")
sys.path.append("/usr/lib/libreoffice/program")

import uno  # noqa: E402
from com.sun.star.awt import Point, Rectangle, Size  # noqa: E402
from com.sun.star.beans import PropertyValue  # noqa: E402
from com.sun.star.table import CellAddress, CellRangeAddress  # noqa: E402


def pv(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def sheet_starting(doc, prefix):
    for i in range(doc.Sheets.Count):
        s = doc.Sheets.getByIndex(i)
        if s.Name.startswith(prefix):
            return i, s
    raise SystemExit(f"no sheet starting with {prefix}")


def decorate(doc, smgr, ctx, png):
    i, sheet = sheet_starting(doc, "別添1")
    dp = sheet.DrawPage
    provider = smgr.createInstanceWithContext("com.sun.star.graphic.GraphicProvider", ctx)
    graphic = provider.queryGraphic((pv("URL", uno.systemPathToFileUrl(png)),))
    pic = doc.createInstance("com.sun.star.drawing.GraphicObjectShape")
    pic.Graphic = graphic
    dp.add(pic)
    pic.setSize(Size(6000, 4000))
    pic.setPosition(Point(500, 1500))
    rect = doc.createInstance("com.sun.star.drawing.RectangleShape")
    dp.add(rect)
    rect.setSize(Size(5000, 1500))
    rect.setPosition(Point(7000, 1500))
    rect.setString("事務の流れ（住民→窓口→システム）")
    _, cover = sheet_starting(doc, "表紙")
    where = CellAddress()
    where.Sheet, where.Column, where.Row = cover.RangeAddress.Sheet, 0, 0
    protected = cover.isProtected()
    if protected:  # as staff do: unprotect (no password on our sheets), comment, protect again
        cover.unprotect("")
    cover.Annotations.insertNew(where, "公表前に課長確認済み")
    if protected:
        cover.protect("")
    if cover.Annotations.Count != 1:
        raise SystemExit("the comment was not added")
    doc.Sheets.insertNewByName("集計", doc.Sheets.Count)
    k, extra = sheet_starting(doc, "集計")
    for r, (label, n) in enumerate([("区分", "件数"), ("窓口", 12), ("郵送", 7), ("電子", 3)]):
        extra.getCellByPosition(0, r).setString(label)
        if isinstance(n, str):
            extra.getCellByPosition(1, r).setString(n)
        else:
            extra.getCellByPosition(1, r).setValue(n)
    extra.Charts.addNewByName("受付件数", Rectangle(3000, 500, 9000, 6000),
                              (CellRangeAddress(k, 0, 0, 1, 3),), True, True)


def reshape(doc):
    _, changes = sheet_starting(doc, "別添2")
    changes.Rows.insertByIndex(2, 2)
    changes.getCellByPosition(0, 2).setString("（令和6年度までの変更は旧様式の評価書を参照）")
    _, first = sheet_starting(doc, "Ⅰ")
    first.Columns.getByIndex(1).Width = 9000
    first.Rows.getByIndex(3).Height = 2500
    _, cover = sheet_starting(doc, "表紙")
    cover.Rows.getByIndex(5).IsVisible = False


def main():
    src, dst, profile, mode = sys.argv[1:5]
    png = sys.argv[5] if len(sys.argv) > 5 else None
    pipe = f"pia_decorate_{os.getpid()}"
    proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                             f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
                             f"--accept=pipe,name={pipe};urp;"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(240):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.25)
        if ctx is None:
            raise SystemExit("LibreOffice did not start")
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0,
                                           (pv("Hidden", True),))
        if mode == "decorate":
            decorate(doc, smgr, ctx, os.path.abspath(png))
        else:
            reshape(doc)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)), (pv("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge goes away with the office
            pass
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
