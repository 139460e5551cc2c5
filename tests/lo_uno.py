"""Shared by the scripts that LibreOffice's own Python runs for the tests (``/usr/bin/python3`` with ``uno``):
property values and the connection to a running soffice listening on a pipe."""
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe, tries=120, wait=0.5):
    """(component context, desktop) of the soffice listening on ``pipe``; waits for it to start."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(tries):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(wait)
    else:
        raise SystemExit("soffice did not answer")
    return ctx, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
