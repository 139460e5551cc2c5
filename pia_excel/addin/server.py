"""The button handlers over HTTP, for Excel on the web and Excel for Mac (optional: ``pip install "pia-excel[server]"``).

The protocol is xlwings Server's: the client (xlwings' Office.js add-in, ``xlwings.runPython(url)``, or the VBA
``RunRemotePython url``) posts the workbook as xlwings' book JSON (``client``, ``version``, ``book``, ``names``,
``sheets`` with ``values``); the handler runs on ``xw.Book(json=…)`` exactly as in desktop Excel; the response is
the list of actions (``setValues``, ``setRangeColor``, ``addHyperlink``, ``addSheet``, ``alert``, …) that the client
applies to the open workbook.

    uvicorn pia_excel.addin.server:app --host 127.0.0.1 --port 8000

Endpoints: ``POST /validate``, ``POST /changelog``, ``POST /publish``, ``GET /health``. When the environment variable
``PIA_EXCEL_SERVER_TOKEN`` is set, requests must send it as the ``Authorization`` header.
See docs/excel_buttons.md.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Callable

from . import book

book.prepare_xlwings_environment()

from fastapi import Body, FastAPI, Header, HTTPException  # noqa: E402

from .. import __version__  # noqa: E402
from . import handlers as xl  # noqa: E402

#: xlwings' JSON books share one in-process engine: one request at a time
_LOCK = threading.Lock()

HANDLERS: dict[str, Callable[[Any], Any]] = {
    "validate": xl.validate_book,
    "changelog": xl.changelog_book,
    "publish": xl.publish_book,
}


def run_handler(name: str, payload: dict) -> dict:
    """Run one handler on the posted book; returns ``{"actions": [...]}``. Errors come back as an ``alert``."""
    handler = HANDLERS[name]
    with _LOCK:
        xl_book = book.json_book(payload)
        try:
            xl._run(handler, xl_book)
            return {"actions": list(xl_book.json()["actions"])}
        finally:
            xl_book.close()


def create_app() -> FastAPI:
    app = FastAPI(title="pia-excel", version=__version__,
                  description="特定個人情報保護評価書ブックの検証・変更箇所・公表版確定（xlwings Server 形式）")

    def check(authorization: str | None) -> None:
        token = os.environ.get("PIA_EXCEL_SERVER_TOKEN")
        if token and authorization != token:
            raise HTTPException(status_code=401, detail="認証に失敗しました")

    @app.get("/health")
    def health() -> dict:
        import xlwings

        return {"status": "ok", "pia_excel": __version__, "xlwings": xlwings.__version__}

    def endpoint(name: str):
        def handle(payload: dict = Body(...), authorization: str | None = Header(default=None)) -> dict:
            check(authorization)
            try:
                return run_handler(name, payload)
            except Exception as e:  # a payload xlwings cannot open (version mismatch, malformed JSON book)
                raise HTTPException(status_code=400, detail=f"ブックのデータを読めません: {e}") from None

        handle.__name__ = f"post_{name}"
        return handle

    for name in HANDLERS:
        app.post(f"/{name}")(endpoint(name))
    return app


app = create_app()
