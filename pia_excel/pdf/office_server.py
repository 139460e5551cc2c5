"""A warm LibreOffice: one office process that converts workbook after workbook to PDF.

This file is run as a script by the Python that has LibreOffice's ``uno`` module (Debian: ``python3-uno`` for
``/usr/bin/python3``; LibreOffice's own ``program/python`` elsewhere), never imported by pia_excel: it uses only
the standard library and ``uno``. :mod:`pia_excel.pdf.office` starts it, in a process group of its own, as

    PYTHON office_server.py SOFFICE PROFILE_DIR

It starts ``SOFFICE`` headless with that profile, listening on a private pipe, connects, and writes one JSON line
``{"ready": true, "pids": [...]}`` (the office's processes). Then it reads requests, one JSON line each
(``{"src": "/abs/in.xlsx", "out": "/abs/out.pdf"}``), and answers each with one JSON line (``{"ok": true}`` or
``{"ok": false, "error": "..."}``). At the end of its input (pia-excel done, or gone) it closes the office and
exits. When the office dies under it, it answers ``{"ok": false, "dead": true, ...}`` and exits: the caller
starts a fresh one.
"""
import json
import os
import signal
import subprocess
import sys
import time

import uno  # noqa: F401 - LibreOffice's Python bridge (the reason this runs outside pia_excel's Python)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

CONNECT_SECONDS = 60.0


def _prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def _children(pid):
    """Process ids whose parent is ``pid`` (soffice.bin under oosplash)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("ascii", "replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(pid):
            out.append(int(entry))
    return out


def _send(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(soffice, profile):
    pipe = f"pia_excel_{os.getpid()}_{int(time.time() * 1000)}"
    cmd = [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
           "--nofirststartwizard", f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
           f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    office = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    ctx = None
    while ctx is None:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline or office.poll() not in (None, 81):  # 81: restarting after first run
                _send({"ready": False, "error": f"LibreOffice did not start (exit code {office.poll()})"})
                office.kill()
                return 1
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    pids = [office.pid] + _children(office.pid)
    _send({"ready": True, "pids": pids})

    status = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        doc = None
        try:
            try:
                doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(req["src"]), "_blank", 0, (
                    _prop("Hidden", True), _prop("ReadOnly", True), _prop("MacroExecutionMode", 0),
                    _prop("UpdateDocMode", 0)))
            except Exception as exc:  # noqa: BLE001
                if not type(exc).__name__.endswith("IllegalArgumentException"):
                    raise
            if doc is None:
                _send({"ok": False, "error": "source file could not be loaded"})
                continue
            doc.storeToURL(uno.systemPathToFileUrl(req["out"]), (_prop("FilterName", "calc_pdf_Export"),))
            _send({"ok": True})
        except Exception as exc:  # noqa: BLE001 - every failure is answered; a dead office ends the server
            name = type(exc).__name__.rsplit(".", 1)[-1]
            dead = name in ("DisposedException", "RuntimeException") or office.poll() is not None
            _send({"ok": False, "dead": dead, "error": f"{name}: {getattr(exc, 'Message', '') or exc}"})
            if dead:
                status = 3
                break
        finally:
            if doc is not None:
                try:
                    doc.close(True)
                except Exception:  # noqa: BLE001 - the office may be gone; the next request will tell
                    pass
    if status == 0:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - terminate() drops the connection by design
            pass
        try:
            office.wait(10)
        except subprocess.TimeoutExpired:
            pass
    for pid in set(pids + _children(office.pid)) if office.poll() is None else pids[1:]:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        office.wait(5)
    except subprocess.TimeoutExpired:
        pass
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
