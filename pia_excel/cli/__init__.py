"""Command line: ``pia-excel``. A thin layer over :mod:`pia_excel.api`: a command parses its options, makes one
library call and turns the library's errors into one line (:func:`pia_excel.cli.common.guard`).

Exit codes: 0 success, 1 findings (validate), 2 an input could not be read or an output not written; 130 / 143
stopped by Ctrl-C (SIGINT) / SIGTERM (workers stopped, temporary files removed).
"""
from __future__ import annotations

import sys

import click

from .. import __version__
from ..batch import sigterm_raises
from . import changelog, documents, item, organisation, templates, validate


class _Group(click.Group):
    """The command group: a command stopped by Ctrl-C or SIGTERM says so in one line and exits 130 / 143 (click
    would print "Aborted!" and exit 1, the code of findings)."""

    def invoke(self, ctx):
        with sigterm_raises():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt as e:  # batch.Interrupted (SIGTERM) too
                code = getattr(e, "exit_code", 130)
                click.echo(f"\n中断しました（{'SIGTERM' if code == 143 else 'Ctrl-C'}）", err=True)
                raise SystemExit(code) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pia-excel")
def main() -> None:
    """特定個人情報保護評価書（重点項目評価書・全項目評価書）のExcelブックを作成・読込・変換します。"""


for command in (documents.new, documents.add_file, documents.convert, validate.validate, validate.rules, changelog.changelog,
                changelog.publish, documents.export, documents.pdf, templates.templates_group,
                documents.schema, item.item, organisation.calendar,
                organisation.replace, organisation.law_update):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
