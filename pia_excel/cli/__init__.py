"""Command line: ``pia-excel``. A thin layer over :mod:`pia_excel.api`: a command parses its options, makes one
library call and turns the library's errors into one line (:func:`pia_excel.cli.common.guard`).

Exit codes: 0 success, 1 findings (validate), 2 an input could not be read or an output not written.
"""
from __future__ import annotations

import sys

import click

from .. import __version__
from . import changelog, documents, item, templates, validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pia-excel")
def main() -> None:
    """特定個人情報保護評価書（重点項目評価書・全項目評価書）のExcelブックを作成・読込・変換します。"""


for command in (documents.new, documents.convert, validate.validate, validate.rules, changelog.changelog,
                changelog.publish, documents.export, documents.pdf, templates.templates_group,
                documents.schema, item.item):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
