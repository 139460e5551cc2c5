"""The generated docs: docs/rules.md (every rule, from the registry) and docs/items.md (every item, from the
function behind ``pia-excel item``). Tests keep both current.

    python -m pia_excel.cli.docs rules -o docs/rules.md      # regenerate
    python -m pia_excel.cli.docs items --check docs/items.md # exit 1 when out of date
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def render(which: str) -> str:
    """The Markdown of ``which`` ("rules" or "items")."""
    if which == "rules":
        from ..rules.catalogue import render_markdown

        return render_markdown()
    from ..api import items_markdown

    return items_markdown()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("which", choices=("rules", "items"), help="which document")
    ap.add_argument("-o", "--output", type=Path, help="write the Markdown here (default: stdout)")
    ap.add_argument("--check", type=Path, help="exit 1 when this file differs from the generated text")
    args = ap.parse_args(argv)
    text = render(args.which)
    if args.check:
        current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
        if current != text:
            print(f"{args.check} is out of date: run python -m pia_excel.cli.docs {args.which} -o {args.check}",
                  file=sys.stderr)
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
