"""The published PDF: a print copy of the workbook (``printcopy``) rendered by headless LibreOffice (``render``)."""
from .printcopy import PdfResult, PdfTask, PrintPlan, build_print_workbook, pdf_one, write_pdf
from .render import find_soffice, pdf_page_count, pdf_text, pdf_to_png, to_pdf

__all__ = ["PdfResult", "PdfTask", "PrintPlan", "build_print_workbook", "pdf_one", "write_pdf", "find_soffice",
           "pdf_page_count", "pdf_text", "pdf_to_png", "to_pdf"]
