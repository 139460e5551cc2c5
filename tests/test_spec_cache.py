"""The packaged YAML (form specs, phrase lists) is read through a JSON cache in the user's cache folder: the same
data as parsing the YAML, a new entry for changed YAML, and nothing breaks when the cache cannot be used."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pia_excel.spec import packaged

SPEC = Path(packaged.__file__).with_name("data") / "zenkomoku.yaml"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PIA_EXCEL_CACHE_DIR", str(folder))
    return folder


def _parsed(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_first_load_writes_an_entry_and_the_next_reads_it(cache):
    data = packaged.load_yaml(SPEC)
    assert data == _parsed(SPEC)
    (entry,) = cache.iterdir()
    assert entry.name.startswith("zenkomoku-") and entry.suffix == ".json"
    assert json.loads(entry.read_text(encoding="utf-8")) == data
    # the entry is what the next load returns (changed here to tell it from a parse)
    entry.write_text(json.dumps({"from": "cache"}), encoding="utf-8")
    assert packaged.load_yaml(SPEC) == {"from": "cache"}


def test_changed_yaml_gets_a_new_entry(cache, tmp_path):
    path = tmp_path / "form.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert packaged.load_yaml(path) == {"a": 1}
    path.write_text("a: 2\n", encoding="utf-8")
    assert packaged.load_yaml(path) == {"a": 2}
    assert len(list(cache.iterdir())) == 2


@pytest.mark.parametrize("content", [b"", b'{"sections": [', b"\xff\xfe"])
def test_a_broken_entry_is_parsed_again_and_replaced(cache, content):
    packaged.load_yaml(SPEC)
    (entry,) = cache.iterdir()
    entry.write_bytes(content)
    assert packaged.load_yaml(SPEC) == _parsed(SPEC)
    assert json.loads(entry.read_text(encoding="utf-8")) == _parsed(SPEC)


def test_values_json_cannot_hold_are_never_cached(cache, tmp_path):
    path = tmp_path / "dated.yaml"
    path.write_text("when: 2024-05-27\nkeys: {1: one}\n", encoding="utf-8")
    assert packaged.load_yaml(path) == _parsed(path)
    assert not cache.exists() or not list(cache.iterdir())


def test_a_cache_folder_that_is_a_file_only_means_parsing(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("PIA_EXCEL_CACHE_DIR", str(blocker / "cache"))
    assert packaged.load_yaml(SPEC) == _parsed(SPEC)
    assert blocker.read_text(encoding="utf-8") == "x"
    assert [p.name for p in tmp_path.iterdir()] == ["not-a-folder"]  # no temporary file left behind


def test_an_empty_setting_switches_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("PIA_EXCEL_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert packaged.load_yaml(SPEC) == _parsed(SPEC)
    assert list(tmp_path.iterdir()) == []


def test_a_validation_with_a_warm_cache_does_not_import_yaml(cache):
    """What the cache is for: a fresh process (an Excel button) validating a workbook skips PyYAML."""
    sample = Path(__file__).resolve().parent.parent / "samples" / "adachi_jukijo_zenkomoku.xlsx"
    code = ("import sys; from pia_excel.cli import main\n"
            "try:\n    main(['validate', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print('yaml' in sys.modules, file=sys.stderr)")
    env = {**os.environ, "PIA_EXCEL_CACHE_DIR": str(cache)}
    runs = [subprocess.run([sys.executable, "-c", code, str(sample)], env=env, capture_output=True, text=True)
            for _ in range(2)]
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == ["True", "False"]
    assert runs[0].stdout == runs[1].stdout and "エラー" in runs[1].stdout
