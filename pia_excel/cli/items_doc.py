"""docs/items.md, from :func:`pia_excel.api.items_markdown` (the function behind ``pia-excel item``).

    python -m pia_excel.cli.items_doc -o docs/items.md      # regenerate
    python -m pia_excel.cli.items_doc --check docs/items.md # exit 1 when out of date
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import api


def main(argv: list[str] | None = None) -> int:
    """docs/items.md from :func:`pia_excel.api.items_markdown`."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", type=Path, help="write the Markdown here (default: stdout)")
    ap.add_argument("--check", type=Path, help="exit 1 when this file differs from the generated text")
    args = ap.parse_args(argv)
    text = api.items_markdown()
    if args.check:
        current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
        if current != text:
            print(f"{args.check} is out of date: run python -m pia_excel.cli.items_doc -o {args.check}", file=sys.stderr)
            return 1
        return 0
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
