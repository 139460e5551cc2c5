import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings


from pia_excel.pdf.render import find_soffice

FIXTURES = Path(__file__).with_name("fixtures")

# CI (.ci/run) runs the property tests derandomized: the same examples every run, so that a red CI is reproducible
# and a green one stays green; developers' runs explore new examples (and keep failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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


@pytest.fixture(scope="session")
def _kushiro_pristine(tmp_path_factory) -> Path:
    from pia_excel import api
    from pia_excel.excel.writer import write_workbook

    path = tmp_path_factory.mktemp("kushiro") / "kushiro.xlsx"
    write_workbook(api.load(FIXTURES / "kushiro_shuno_juten.json").doc, path)
    return path


@pytest.fixture
def kushiro_xlsx(_kushiro_pristine, tmp_path) -> Path:
    """A fresh copy of the 釧路市 fixture as a workbook, for tests that modify it."""
    path = tmp_path / "kushiro.xlsx"
    shutil.copy(_kushiro_pristine, path)
    return path


@pytest.fixture
def juten_xlsm(tmp_path) -> Path:
    """A fresh copy of the committed macro-enabled 重点 template (built by `pia-excel templates build`)."""
    template = Path(__file__).resolve().parents[1] / "workbook_templates" / "juten.xlsm"
    path = tmp_path / "book.xlsm"
    shutil.copy(template, path)
    return path
