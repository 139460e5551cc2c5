"""A warm LibreOffice, started and stopped by pia-excel and reused for every PDF of a process.

A cold ``soffice --convert-to pdf`` starts an office, with a new profile, for each file. :class:`Office` starts one
office (through ``office_server.py``, run by the Python that has LibreOffice's ``uno`` module) with a profile
directory of its own, and sends it file after file. Each conversion has a timeout; an office that hangs is killed
(its whole process group) and the file reported; an office that dies is started again and the file tried once
more. The office stops with the process (``atexit``, and in a batch worker multiprocessing's finalizers); if
pia-excel itself is killed, the server sees the end of its input and closes the office.

Where no Python with ``uno`` is found (``PIA_EXCEL_UNO_PYTHON`` names one explicitly; ``PIA_EXCEL_WARM_OFFICE=0``
turns the warm office off), :func:`pia_excel.pdf.render.to_pdf` falls back to the cold ``soffice --convert-to``.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ..errors import RenderError

__all__ = ["Office", "office", "stop_office", "uno_python"]

SERVER = Path(__file__).with_name("office_server.py")
#: seconds the office may take to start (a first start creates its profile)
START_TIMEOUT = 90.0

_uno_python: str | None | bool = False  # False: not looked for yet
_office: Office | None = None


def uno_python(soffice: str | None) -> str | None:
    """A Python interpreter that can ``import uno`` (the one beside ``soffice`` first), or None (looked for once
    per process)."""
    global _uno_python
    if _uno_python is not False:
        return _uno_python  # type: ignore[return-value]
    found = None
    if os.environ.get("PIA_EXCEL_WARM_OFFICE", "1") not in ("0", "no", "false"):
        candidates = [os.environ.get("PIA_EXCEL_UNO_PYTHON")]
        if soffice:
            program = Path(os.path.realpath(soffice)).parent
            candidates += [str(program / "python"), str(program / "python.exe")]
        candidates += ["/usr/bin/python3", shutil.which("python3")]
        for cand in candidates:
            if not cand or not os.path.isfile(cand) or not os.access(cand, os.X_OK):
                continue
            try:
                ok = subprocess.run([cand, "-c", "import uno"], stdin=subprocess.DEVNULL, capture_output=True,
                                    timeout=30).returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if ok:
                found = cand
                break
    _uno_python = found
    return found


class OfficeDied(RenderError):
    """The office process died (or could not start): a fresh one may convert the file."""


class Office:
    """One long-lived office process (see the module docstring)."""

    def __init__(self, python: str, soffice: str):
        self.python = python
        self.soffice = soffice
        self.proc: subprocess.Popen | None = None
        self.pids: list[int] = []  # the office's processes (oosplash, soffice.bin)
        self.profile: tempfile.TemporaryDirectory | None = None
        self.starts = 0
        self.owner = os.getpid()
        self.broken = False

    # ---------------------------------------------------------------- process
    def start(self) -> None:
        if self.profile is None:
            self.profile = tempfile.TemporaryDirectory(prefix="pia-excel-office-", ignore_cleanup_errors=True)
        self.proc = subprocess.Popen(
            [self.python, str(SERVER), self.soffice, str(Path(self.profile.name, "profile"))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        self.starts += 1
        try:
            ready = self._read(START_TIMEOUT)
        except RenderError as e:
            ready = {"ready": False, "error": str(e)}
        if not ready.get("ready"):
            self.kill()
            self.broken = True  # this process converts cold from now on
            raise OfficeDied(f"LibreOffice を起動できませんでした: {ready.get('error', '')}")
        self.pids = [int(p) for p in ready.get("pids", [])]

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """Kill the server and the office: their whole process group, at once."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for pid in [proc.pid, *self.pids]:
            with contextlib.suppress(OSError):
                os.killpg(os.getpgid(pid), signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(Exception):
                stream.close()
        with contextlib.suppress(Exception):
            proc.wait(5)
        self._reap()

    def _reap(self) -> None:
        """Wait (briefly) until the office's processes are gone; they are not our children."""
        deadline = time.monotonic() + 5
        for pid in self.pids:
            while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
                try:
                    with open(f"/proc/{pid}/stat", "rb") as f:
                        if f.read().rsplit(b")", 1)[-1].split()[0] == b"Z":
                            break  # a zombie waits for its parent (gone): init reaps it
                except OSError:
                    break
                time.sleep(0.02)
        self.pids = []

    def stop(self) -> None:
        """Close the office (end of input: the server terminates it), killing it if it does not go."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(Exception):
                proc.stdin.close()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        if self.profile is not None:
            self.profile.cleanup()
            self.profile = None

    # ---------------------------------------------------------------- requests
    def _read(self, timeout: float) -> dict:
        assert self.proc is not None and self.proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        try:
            if not sel.select(timeout):
                raise RenderError(f"timeout after {timeout:g}s")
        finally:
            sel.close()
        line = self.proc.stdout.readline()
        if not line:
            raise OfficeDied("LibreOffice が終了しました")
        return json.loads(line)

    def convert(self, src: Path, out_pdf: Path, timeout: float) -> None:
        """``src`` to ``out_pdf`` (a new file); an office that died is started again and the file tried once
        more; an office that does not answer within ``timeout`` seconds is killed and the file reported."""
        for attempt in (1, 2):
            if not self.alive():
                self.kill()
                self.start()
            assert self.proc is not None and self.proc.stdin is not None
            try:
                self.proc.stdin.write((json.dumps({"src": str(src), "out": str(out_pdf)}) + "\n").encode())
                self.proc.stdin.flush()
                answer = self._read(timeout)
            except (OfficeDied, BrokenPipeError, OSError, ValueError):
                self.kill()
                if attempt == 2:
                    raise OfficeDied(f"LibreOffice が変換中に終了しました（{src.name}）") from None
                continue
            except RenderError:  # no answer in time: the office hangs
                self.kill()
                raise RenderError(f"LibreOffice timed out after {timeout:g}s converting {src} to PDF "
                                  "(PDF変換がタイムアウトしました)") from None
            if answer.get("ok"):
                return
            if answer.get("dead"):
                self.kill()
                if attempt == 1:
                    continue
            raise RenderError(f"LibreOffice produced no PDF for {src} (PDFが作成されませんでした): "
                              f"{answer.get('error', '')}")


def office(soffice: str) -> Office | None:
    """This process's warm office (started on first use), or None when there is no Python with ``uno``."""
    global _office
    if _office is not None and _office.owner == os.getpid():
        return None if _office.broken else _office
    _office = None  # one inherited by a forked batch worker belongs to the parent
    python = uno_python(soffice)
    if python is None:
        return None
    _office = Office(python, soffice)
    atexit.register(stop_office)
    with contextlib.suppress(Exception):  # batch workers end through multiprocessing, not atexit
        from multiprocessing import util

        util.Finalize(None, stop_office, exitpriority=10)
    return _office


def stop_office() -> None:
    """Stop this process's warm office, if one runs."""
    global _office
    off, _office = _office, None
    if off is not None and off.owner == os.getpid():
        off.stop()
