"""Pydantic models of the forms (generated from the spec; see ``codegen.py``).

A form's models are built when first used (``DOCUMENTS[form]``, ``JutenDocument`` …): building the pydantic
classes of a form takes tens of milliseconds, and one run usually needs one form.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Union

from ..spec import load_spec
from .base import ChangeRow, PiaModel, Tick

if TYPE_CHECKING:
    from .juten import JutenDocument
    from .zenkomoku import ZenkomokuDocument

Document = Union["JutenDocument", "ZenkomokuDocument"]
#: form → (module, document class)
_CLASSES = {"juten": ("juten", "JutenDocument"), "zenkomoku": ("zenkomoku", "ZenkomokuDocument")}


class _Documents(Mapping):
    """form → document class, each form's module imported on first access."""

    def __getitem__(self, form: str) -> type[PiaModel]:
        module, name = _CLASSES[form]
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)

    def __contains__(self, form: object) -> bool:  # without importing the form's models
        return form in _CLASSES

    def __iter__(self) -> Iterator[str]:
        return iter(_CLASSES)

    def __len__(self) -> int:
        return len(_CLASSES)


DOCUMENTS: Mapping[str, type[PiaModel]] = _Documents()


def __getattr__(name: str):
    for form, (_, cls_name) in _CLASSES.items():
        if name == cls_name:
            return DOCUMENTS[form]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["ChangeRow", "Document", "DOCUMENTS", "JutenDocument", "PiaModel", "Tick", "ZenkomokuDocument",
           "document_class", "new_document", "parse_document"]


def document_class(form: str) -> type[PiaModel]:
    try:
        return DOCUMENTS[form]
    except KeyError:
        raise KeyError(f"unknown form {form!r}; known: {', '.join(DOCUMENTS)}") from None


def new_document(form: str, files: int = 1, edition: str | None = None) -> Document:
    """An empty document with ``files`` 特定個人情報ファイル."""
    cls = document_class(form)
    doc = cls()
    if edition:
        doc.edition = edition
    file_cls = cls.model_fields["files"].annotation.__args__[0]
    doc.files = [file_cls() for _ in range(files)]
    _apply_defaults(doc)
    return doc


def _apply_defaults(doc) -> None:
    """Pre-fill the values the official form prints in a new document (e.g. 全ての記録項目: 別添２を参照。)."""
    for item in load_spec(doc.form).value_items():
        if item.default is None or item.repeat is not None:
            continue
        sec = item.section
        targets = [getattr(f, sec.key) for f in doc.files] if sec.per_file else [getattr(doc, sec.key)]
        for model in targets:
            if getattr(model, item.key) is None:
                setattr(model, item.key, item.default)


def parse_document(data: dict[str, Any]) -> Document:
    """Validate a JSON/YAML mapping into the model of the form it names (``"form": "juten" | "zenkomoku"``)."""
    form = data.get("form")
    if form not in DOCUMENTS:
        raise ValueError(f"'form' must be one of {', '.join(DOCUMENTS)} (got {form!r})")
    return DOCUMENTS[form].model_validate(data)
