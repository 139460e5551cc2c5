"""SIGTERM / Ctrl-C stop a batch: its workers end, no temporary file is left, exit 143 / 130 (issue 15)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STOP_CAP = 20  # seconds from the signal to the end of the whole process group: a limit, not a benchmark


def _group(pgid: int) -> list[int]:
    """The processes still in process group ``pgid`` (zombies included: they have not been reaped)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                out.append(int(d.name))
    return out


@pytest.fixture
def folder(tmp_path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    samples = sorted((ROOT / "samples").glob("*.xlsx"))
    for i in range(16):
        shutil.copyfile(samples[i % len(samples)], src / f"book{i:02d}.xlsx")
    return src


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_a_batch_its_workers_and_its_temporary_files(folder, tmp_path, signum, code):
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "pia_excel.cli", "validate", str(folder), "-j", "2",
                             "--report-xlsx", str(out), "--today", "2026-11-23"],
                            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        # started: both workers are up and writing the annotated copies (a temporary file exists)
        while time.monotonic() < deadline and proc.poll() is None:
            if len(_group(proc.pid)) >= 3 and out.is_dir() and any(out.glob(".~pia-*")):
                break
            time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()
        assert len(_group(proc.pid)) >= 3
        os.kill(proc.pid, signum)
        stdout, stderr = proc.communicate(timeout=STOP_CAP)
        assert proc.returncode == code, (proc.returncode, stderr[-3000:])
        assert "Traceback" not in stderr, stderr[-3000:]
        assert "中断しました" in stderr
        end = time.monotonic() + 10
        while _group(proc.pid) and time.monotonic() < end:
            time.sleep(0.1)
        assert _group(proc.pid) == []
        assert list(out.glob(".~pia-*")) == [] and list(folder.glob(".~pia-*")) == []
    finally:
        if proc.poll() is None or _group(proc.pid):
            with_group = _group(proc.pid)
            if with_group:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
