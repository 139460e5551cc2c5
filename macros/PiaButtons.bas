Attribute VB_Name = "PiaButtons"
' pia-excel buttons. Each button runs one Python entry point of pia_excel.xl
' through xlwings (RunPython, from the xlwings module embedded in this
' workbook, so no add-in is needed). Messages for the user are written by
' Python in Japanese; keep this file ASCII-only (VBA projects are stored in
' code page 1252 here, other characters would turn into "?").
'
' Source of truth: macros/PiaButtons.bas in the pia-excel repository.
' Rebuild the templates after editing: pia-excel templates build
Option Explicit

' Button: validate the workbook (writes the sheet of results).
Public Sub PiaValidate()
    PiaRun "import pia_excel.xl; pia_excel.xl.validate()"
End Sub

' Button: append the change-log rows since the published version.
Public Sub PiaChangelog()
    PiaRun "import pia_excel.xl; pia_excel.xl.changelog()"
End Sub

' Button: store this workbook as the published version (the baseline).
Public Sub PiaPublish()
    PiaRun "import pia_excel.xl; pia_excel.xl.publish()"
End Sub

' Button: add a specific personal information file (the sheets of file n+1).
Public Sub PiaAddFile()
    PiaRun "import pia_excel.xl; pia_excel.xl.add_file()"
End Sub

' Runs a Python command; a VBA-level failure (for example Python not found)
' is shown as a message instead of the VBA debugger.
Private Sub PiaRun(ByVal command As String)
    On Error GoTo Failed
    RunPython command
    Exit Sub
Failed:
    MsgBox "pia-excel: " & Err.Description & vbCrLf & vbCrLf & _
        "See docs/excel_buttons.md (Python / pia-excel / xlwings setup).", _
        vbExclamation, "pia-excel"
End Sub
