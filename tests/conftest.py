import shutil

import pytest

from pia_excel.render import find_soffice


def pytest_runtest_setup(item):
    """Tests marked ``libreoffice`` must run, so fail (never skip) without the tools."""
    if item.get_closest_marker("libreoffice") is None:
        return
    missing = [] if find_soffice() else ["soffice (libreoffice-calc)"]
    missing += [tool for tool in ("pdftotext", "pdftoppm", "pdfinfo") if not shutil.which(tool)]
    if missing:
        pytest.fail(
            f"missing {', '.join(missing)}: run scripts/install_system_deps.sh "
            "(or `make setup`)",
            pytrace=False,
        )
