"""Run by LibreOffice's own Python (``/usr/bin/python3`` with ``uno``) from tests/test_add_file.py: what staff add to
a workbook in LibreOffice — a picture (the 事務の流れ図), a drawn rectangle with text and a comment — then save it
as .xlsx.

    python3 lo_staff_edits.py PIPE SRC.xlsx OUT.xlsx PICTURE.png SHEET
"""
import sys

import uno
from lo_uno import connect, prop
from com.sun.star.awt import Point, Size
from com.sun.star.table import CellAddress


def main(pipe, src, out, picture, sheet_name):
    ctx, desktop = connect(pipe)
    smgr = ctx.ServiceManager
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
    sheet = doc.Sheets.getByName(sheet_name)
    sheet.unprotect("")
    provider = smgr.createInstanceWithContext("com.sun.star.graphic.GraphicProvider", ctx)
    graphic = provider.queryGraphic((prop("URL", uno.systemPathToFileUrl(picture)),))
    image = doc.createInstance("com.sun.star.drawing.GraphicObjectShape")
    image.Graphic = graphic
    sheet.DrawPage.add(image)
    image.Size = Size(6000, 4000)
    image.Position = Point(1000, 2000)
    rect = doc.createInstance("com.sun.star.drawing.RectangleShape")
    sheet.DrawPage.add(rect)
    rect.Size = Size(5000, 1500)
    rect.Position = Point(8000, 2000)
    rect.setString("事務の流れ図")
    address = CellAddress()
    address.Sheet = list(doc.Sheets.ElementNames).index(sheet_name)
    address.Column, address.Row = 5, 0
    sheet.Annotations.insertNew(address, "公表前に課長確認")
    sheet.protect("")
    doc.storeToURL(uno.systemPathToFileUrl(out), (prop("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)


if __name__ == "__main__":
    main(*sys.argv[1:6])
