"""Run by LibreOffice's own Python (``/usr/bin/python3`` with ``uno``) from tests/test_copied_sheets.py: copy sheets
of a workbook the way LibreOffice's "Move or Copy Sheet" does (the copy is named "<sheet>_2"), optionally type
values into the copies, and save as .xlsx.

    python3 lo_copy_sheets.py PIPE SRC.xlsx OUT.xlsx SHEET[=VALUES.xlsx:VALUE_SHEET] ...
"""
import sys

import uno
from lo_uno import connect, prop


def main(pipe, src, out, specs):
    ctx, desktop = connect(pipe)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
    sheets = doc.Sheets
    opened = {}
    for spec in specs:
        name, _, values = spec.partition("=")
        names = list(sheets.ElementNames)
        pos = max(i for i, n in enumerate(names) if not n.startswith(("Ⅳ", "Ⅴ", "Ⅵ", "別添2 変更", "別添3", "選択肢"))
                  or n.endswith("_2")) + 1
        copy = f"{name}_2"
        sheets.copyByName(name, copy, pos)
        if values:
            vpath, _, vsheet = values.rpartition(":")
            if vpath not in opened:
                opened[vpath] = desktop.loadComponentFromURL(uno.systemPathToFileUrl(vpath), "_blank", 0,
                                                             (prop("Hidden", True),))
            vs = opened[vpath].Sheets.getByName(vsheet)
            cur = vs.createCursor()
            cur.gotoEndOfUsedArea(False)
            last_col, last_row = cur.RangeAddress.EndColumn, cur.RangeAddress.EndRow
            data = vs.getCellRangeByPosition(0, 0, last_col, last_row).getDataArray()
            target = sheets.getByName(copy)
            target.unprotect("")
            used = target.createCursor()
            used.gotoEndOfUsedArea(False)
            end = used.RangeAddress
            # what was typed in the copied sheet is deleted (values, dates, texts, formulas), then retyped
            target.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).clearContents(1 | 2 | 4 | 16)
            for r, row in enumerate(data):
                for c, v in enumerate(row):
                    if v == "":
                        continue
                    cell = target.getCellByPosition(c, r)
                    if isinstance(v, str):
                        cell.setString(v)
                    else:
                        cell.setValue(v)
            target.protect("")
    doc.storeToURL(uno.systemPathToFileUrl(out), (prop("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)
    for d in opened.values():
        d.close(True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
