"""pia-excel: 特定個人情報保護評価書 workbooks as data."""

__version__ = "0.1.0"
