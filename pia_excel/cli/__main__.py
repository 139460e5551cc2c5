"""``python -m pia_excel.cli`` runs ``pia-excel`` (e.g. from a checkout without the console script)."""
import sys

from . import main

sys.exit(main(prog_name="pia-excel"))
