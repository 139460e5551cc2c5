"""YAML data shipped inside the package (the forms' specs, the rules' phrase lists), read through a cache.

Parsing the two form specs with PyYAML costs about 0.1 s, a quarter of what a first validation in a fresh process
(an Excel button's click) may take, and their text changes only with a new release. So the parsed data is kept as
JSON (``json.loads`` of it takes about 1 ms) in the user's cache folder, under a name that contains a digest of the
YAML text: a changed YAML gets a new entry, never a stale one. The first run of a release parses the YAML and
writes the entry; a cache that cannot be written (read-only home, full disk) or read back (a truncated entry) only
means the YAML is parsed again. ``PIA_EXCEL_CACHE_DIR`` names the folder (an empty value switches the cache off).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

try:  # hashlib's blake2b without hashlib's import of OpenSSL (a few ms at every start)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the module
    from hashlib import blake2b

__all__ = ["load_yaml", "cache_dir"]

#: the cache entries' format; part of every entry's name
_FORMAT = "1"


def cache_dir() -> Path | None:
    """Where parsed data is kept: ``PIA_EXCEL_CACHE_DIR``, else the platform's user cache folder."""
    env = os.environ.get("PIA_EXCEL_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "pia-excel" / "cache" if base else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder known
            return None
    return Path(base) / "pia-excel"


def load_yaml(path: Path) -> Any:
    """The data of the YAML file at ``path``, a file shipped inside the package (plain dicts, lists, strings,
    numbers). The package is installed as files (never zipped), so ``Path(__file__)`` finds its data without
    importlib.resources (about 15 ms to import)."""
    raw = path.read_bytes()
    digest = blake2b(raw, digest_size=10).hexdigest()
    folder = cache_dir()
    entry = folder / f"{path.stem}-{digest}-{_FORMAT}.json" if folder is not None else None
    if entry is not None:
        try:
            return json.loads(entry.read_bytes())
        except (OSError, ValueError):
            pass  # not cached yet, or unreadable: parse
    import yaml  # only when parsing (about 40 ms to import)

    data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if entry is not None:
        _store(entry, data)
    return data


def _store(entry: Path, data: Any) -> None:
    """Write ``entry`` whole or not at all (a temporary file renamed over it); failures are ignored."""
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if json.loads(text) != data:  # a value JSON cannot hold as it is (a date, a tuple): parse every time
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, entry)
    except (OSError, TypeError, ValueError):
        try:
            tmp.unlink()
        except (OSError, UnboundLocalError):
            pass
