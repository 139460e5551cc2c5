"""Mutated inputs for the fuzz test (issue 15): workbooks with truncated, corrupted, missing or hostile members and
data files with broken syntax, wrong types, odd unicode and deep nesting. Every mutation is a function of a seeded
``random.Random`` and the bytes of a real input, so a failing case can be rebuilt from its seed and index."""
from __future__ import annotations

import io
import json
import random
import zipfile
from typing import Any, Callable

# ---- workbooks -----------------------------------------------------------------------------------------------


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(info, z.read(info)) for info in z.infolist()]


def _rezip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members:
            z.writestr(name, body)
    return buf.getvalue()


def _xml_members(members) -> list[int]:
    return [i for i, (info, _) in enumerate(members) if info.filename.endswith((".xml", ".rels"))]


def _with_member(data: bytes, rng: random.Random, change: Callable[[random.Random, str, bytes], bytes | None],
                 pick: Callable[[str], bool] = lambda name: True) -> bytes:
    """The package with one member (chosen among ``pick``'s XML members) replaced by ``change``'s result
    (None drops it)."""
    members = _members(data)
    choices = [i for i in _xml_members(members) if pick(members[i][0].filename)]
    k = rng.choice(choices)
    out = []
    for i, (info, body) in enumerate(members):
        if i == k:
            body = change(rng, info.filename, body)
            if body is None:
                continue
        out.append((info.filename, body))
    return _rezip(out)


def truncate_file(rng, data: bytes) -> bytes:
    return data[:rng.randrange(0, len(data))]


def flip_file_bytes(rng, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate_member(rng, data: bytes) -> bytes:
    return _with_member(data, rng, lambda r, n, b: b[:r.randrange(0, max(len(b), 1))])


def flip_member_bytes(rng, data: bytes) -> bytes:
    def change(r, name, body):
        out = bytearray(body)
        for _ in range(r.randint(1, 8)):
            out[r.randrange(len(out))] = r.choice(b"<>&\"'/=\x00\xff\xed ")
        return bytes(out)
    return _with_member(data, rng, change)


def drop_member(rng, data: bytes) -> bytes:
    return _with_member(data, rng, lambda r, n, b: None)


def _insert_doctype(body: bytes, doctype: bytes, entity_ref: bytes) -> bytes:
    head_end = body.find(b"?>") + 2 if body.startswith(b"<?xml") else 0
    out = body[:head_end] + doctype + body[head_end:]
    i = out.find(b"<t>") if b"<t>" in out else out.find(b"<t ")
    if i >= 0:
        j = out.find(b">", i) + 1
        out = out[:j] + entity_ref + out[j:]
    return out


def entity_expansion(rng, data: bytes) -> bytes:
    """A "billion laughs" entity (and a parameter entity) in a member that holds text."""
    doctype = (b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
               + b"".join(b'<!ENTITY %c "%s">' % (ord("b") + k, (b"&%c;" % (ord("a") + k)) * 10) for k in range(8))
               + b"]>")
    return _with_member(data, rng, lambda r, n, b: _insert_doctype(b, doctype, b"&i;"),
                        lambda n: n.endswith(("sharedStrings.xml", "workbook.xml")) or "worksheets/" in n)


def external_entity(rng, data: bytes) -> bytes:
    doctype = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return _with_member(data, rng, lambda r, n, b: _insert_doctype(b, doctype, b"&x;"),
                        lambda n: n.endswith(("sharedStrings.xml", "workbook.xml")) or "worksheets/" in n)


ODD_TEXT = [b"&#1;", b"&#xFFFE;", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\xe2\x80\xae", b"&#xD800;", b"\xff\xfe",
            "〇×ー①Ⅲ\u3000\u200b".encode(), b"=HYPERLINK(\"http://x\")", b"\x00"]


def odd_unicode(rng, data: bytes) -> bytes:
    """Odd characters (control, surrogate, invalid UTF-8, BOM, bidi) written into text of the workbook."""
    def change(r, name, body):
        starts = [i for i in range(len(body)) if body.startswith(b"<t", i)][:2000] or [0]
        i = body.find(b">", r.choice(starts)) + 1
        return body[:i] + r.choice(ODD_TEXT) * r.randint(1, 3) + body[i:]
    return _with_member(data, rng, change,
                        lambda n: n.endswith("sharedStrings.xml") or "worksheets/" in n)


def deep_nesting(rng, data: bytes) -> bytes:
    depth = rng.choice([1000, 20000, 200000])

    def change(r, name, body):
        i = body.rfind(b"</")
        return body[:i] + b"<x>" * depth + b"</x>" * depth + body[i:]
    return _with_member(data, rng, change)


def duplicate_member(rng, data: bytes) -> bytes:
    members = _members(data)
    k = rng.choice(_xml_members(members))
    out = [(info.filename, body) for info, body in members]
    out.append((members[k][0].filename, b"<x/>"))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the point
        return _rezip(out)


WORKBOOK_MUTATIONS: list[Callable[[random.Random, bytes], bytes]] = [
    truncate_file, flip_file_bytes, truncate_member, flip_member_bytes, drop_member, entity_expansion,
    external_entity, odd_unicode, deep_nesting, duplicate_member]


# ---- data files (JSON) ---------------------------------------------------------------------------------------

def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


def _set(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    node[path[0]] = _set(node[path[0]], path[1:], value)
    return node


ODD_VALUES: list[Any] = [None, 0, -1, 10 ** 30, 1.5, float("inf"), True, "", " ", "\ud800", "\x00\x01",
                         "〇", "令和99年99月99日", "=1+1", [], {}, [None], {"": None}, "a" * 40000, ["x"] * 500]


def wrong_value(rng, text: str) -> str:
    doc = json.loads(text)
    path = rng.choice(_paths(doc)[1:])
    return json.dumps(_set(doc, path, rng.choice(ODD_VALUES)), ensure_ascii=rng.random() < 0.5)


def truncate_text(rng, text: str) -> str:
    return text[:rng.randrange(0, len(text))]


def flip_chars(rng, text: str) -> str:
    out = list(text)
    for _ in range(rng.randint(1, 10)):
        out[rng.randrange(len(out))] = rng.choice('{}[]",:\\\x00\ud800 0aー')
    return "".join(out)


def deep_json(rng, text: str) -> str:
    depth = rng.choice([100, 5000, 200000])
    doc = json.loads(text)
    path = rng.choice(_paths(doc)[1:])
    nested = "[" * depth + "]" * depth
    return json.dumps(_set(doc, path, "@@"), ensure_ascii=False).replace('"@@"', nested)


def lone_surrogate(rng, text: str) -> str:
    doc = json.loads(text)
    strings = [p for p in _paths(doc) if p and isinstance(_get(doc, p), str)]
    path = rng.choice(strings)
    return json.dumps(_set(doc, path, _get(doc, path) + rng.choice(["\ud800", "\udfff", "\ufffe", "\x0b"])))


def _get(node: Any, path: tuple) -> Any:
    for p in path:
        node = node[p]
    return node


DATA_MUTATIONS: list[Callable[[random.Random, str], str]] = [wrong_value, truncate_text, flip_chars, deep_json,
                                                              lone_surrogate]
