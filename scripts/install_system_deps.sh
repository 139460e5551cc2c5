#!/usr/bin/env bash
# Install the Debian packages pia-excel needs outside Python:
#   libreoffice-calc  headless soffice, renders workbooks to PDF (pia_excel.pdf.render)
#   fonts-noto-cjk    Japanese glyphs ("Noto Sans CJK JP"), otherwise PDFs show tofu boxes
#   poppler-utils     pdftotext / pdftoppm / pdfinfo, to check the rendered PDFs
#   python3-uno       LibreOffice's Python bridge: pia-excel pdf keeps one office running (pia_excel/pdf/office.py)
#                     instead of a cold soffice per file
#
# Idempotent: does nothing (no apt-get update either) when everything is present.
# Runs as root, or through sudo when available.
set -euo pipefail

PACKAGES=(libreoffice-calc fonts-noto-cjk poppler-utils python3-uno)

have_soffice() {
    command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 ||
        [ -x /usr/bin/soffice ] || [ -x /usr/lib/libreoffice/program/soffice ]
}
have_cjk_fonts() {
    if command -v fc-list >/dev/null 2>&1; then
        fc-list ':lang=ja' family 2>/dev/null | grep -q 'Noto Sans CJK JP'
    else
        [ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1
    fi
}

missing=()
have_soffice || missing+=(libreoffice-calc)
have_cjk_fonts || missing+=(fonts-noto-cjk)
{ command -v pdftotext && command -v pdftoppm && command -v pdfinfo; } >/dev/null 2>&1 || missing+=(poppler-utils)
have_uno() { /usr/bin/python3 -c 'import uno' >/dev/null 2>&1; }
have_uno || missing+=(python3-uno)
# `python3 -m venv` on Debian's own python3 needs python3-venv (scripts/setup.sh uses it).
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "install_system_deps: soffice, python3-uno, poppler-utils and Noto CJK fonts already present; nothing to do."
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install_system_deps: missing Debian packages: ${missing[*]}" >&2
    echo "install_system_deps: not root and sudo is not available; as root run:" >&2
    echo "    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_system_deps: apt-get not found; install these yourself: ${missing[*]}" >&2
    exit 1
fi

echo "install_system_deps: installing ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Check the result rather than trusting apt.
have_soffice || { echo "install_system_deps: soffice still missing after install" >&2; exit 1; }
have_cjk_fonts || { echo "install_system_deps: Noto Sans CJK JP still missing after install" >&2; exit 1; }
command -v pdftotext >/dev/null 2>&1 || { echo "install_system_deps: pdftotext still missing" >&2; exit 1; }
have_uno || { echo "install_system_deps: python3-uno still missing after install" >&2; exit 1; }
echo "install_system_deps: done."
