"""pia-excel: 特定個人情報保護評価書 workbooks as data.

The public surface is :mod:`pia_excel.api` (the verbs: new, load, save, validate, changelog, publish, pdf, export,
describe) and :mod:`pia_excel.errors` (:class:`~pia_excel.errors.PiaError`, the one base of the errors raised on
purpose, and :class:`~pia_excel.errors.Issue`, what is found at a cell). Everything else is internal and may move.
This module imports nothing, so that ``pia-excel --help`` stays fast.
"""

__version__ = "0.1.0"
