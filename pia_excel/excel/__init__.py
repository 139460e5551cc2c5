"""Reading and writing the official form as an Excel workbook (openpyxl)."""
