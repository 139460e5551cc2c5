"""A non-editable install is complete: the wheel holds every package and the VBA sources of macros/ (as the data
package pia_excel._vba), and an installed copy writes a working .xlsm away from the checkout."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pia_excel.excel import macros

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of what the build reads (so that no build/ or .egg-info lands in the
    checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("pia_excel", "macros"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                          "--disable-pip-version-check", "-q", "-w", str(tmp / "dist")],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, ("pip wheel failed (the dev extra installs 'wheel'):\n" + res.stdout + res.stderr)
    (path,) = (tmp / "dist").glob("pia_excel-*.whl")
    return path


def test_wheel_holds_every_package_and_the_vba_sources(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        packages = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "pia_excel").rglob("__init__.py")}
        assert {p for p in packages if f"{p}/__init__.py" not in names} == set()
        for bas in sorted((ROOT / "macros").glob("*.bas")):
            assert z.read(f"pia_excel/_vba/{bas.name}") == bas.read_bytes()
        assert any(n.startswith("pia_excel/spec/data/") and n.endswith(".yaml") for n in names)


def test_installed_wheel_writes_xlsm_with_the_buttons_vba(wheel, tmp_path):
    site = tmp_path / "site"
    res = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check", "-q",
                          "--target", str(site), str(wheel)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PIA_EXCEL_MACROS"}
    env["PYTHONPATH"] = str(site)
    script = ("import pia_excel\n"
              "from pia_excel import api\n"
              "from pia_excel.excel import macros\n"
              "print(pia_excel.__file__)\n"
              "print(macros.MACROS_DIR)\n"
              "api.save(api.new('juten'), 'out.xlsm')\n")
    res = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    package_file, macros_dir = res.stdout.splitlines()[-2:]
    assert Path(package_file).is_relative_to(site)
    assert Path(macros_dir) == site / "pia_excel" / "_vba"
    modules = macros.read_vba_modules(work / "out.xlsm")
    assert {"PiaButtons", "xlwings", "Dictionary"} <= set(modules)
    for button in macros.BUTTONS:
        assert f"Sub {button.macro}(" in modules["PiaButtons"]
