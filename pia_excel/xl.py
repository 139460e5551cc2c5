"""What the Excel buttons call: ``RunPython "import pia_excel.xl; pia_excel.xl.validate()"``.

This name is kept stable because workbooks in use carry it in their VBA (``macros/PiaButtons.bas``); the handlers
themselves live in :mod:`pia_excel.addin.handlers`.
"""
from .addin.handlers import add_file, changelog, publish, validate

__all__ = ["validate", "changelog", "publish", "add_file"]
