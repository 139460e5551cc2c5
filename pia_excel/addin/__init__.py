"""The Excel add-in: button handlers (``handlers``), the xlwings book adapter and test harness (``book``) and the
optional xlwings Server endpoints (``server``)."""
