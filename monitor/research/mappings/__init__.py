"""Bundled mapping files for `monitor import-mapped` (see monitor/research/importers/mapping.py).

A bundled mapping is named by its file name with "-" for "_": `colombia-desminado` is
`colombia_desminado.json`.
"""

from __future__ import annotations

from pathlib import Path

MAPPINGS_DIR = Path(__file__).resolve().parent


def bundled_mapping_names() -> list[str]:
    return sorted(p.stem.replace("_", "-") for p in MAPPINGS_DIR.glob("*.json"))


def bundled_mapping_path(name: str) -> Path | None:
    """The bundled mapping file called `name`, or None if there is none."""
    stem = name.strip().lower().replace("-", "_")
    if not stem or not stem.replace("_", "").isalnum():
        return None
    path = MAPPINGS_DIR / f"{stem}.json"
    return path if path.is_file() else None
