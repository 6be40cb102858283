#!/usr/bin/env python3
"""Print the README's configuration table from backend/config.py's SETTINGS.

    .venv/bin/python scripts/config-table.py                    # print it
    .venv/bin/python scripts/config-table.py --update README.md # replace the table in place

tests/unit/test_readme_config.py fails while README.md's table misses a setting.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.config import SETTINGS  # noqa: E402

HEADING = "## Configuration"


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def default(text: str) -> str:
    """Literal values as code; descriptions such as "generated per instance" as prose."""
    return cell(text) if " " in text else f"`{cell(text)}`"


def table() -> str:
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{s.name}` | {default(s.default)} | {cell(s.meaning)} |" for s in SETTINGS]
    return "\n".join(lines)


def update(path: Path) -> None:
    """Replace the first table under the Configuration heading with a fresh one."""
    lines = path.read_text("utf-8").split("\n")
    start = lines.index(HEADING)
    first = next(i for i in range(start, len(lines)) if lines[i].startswith("|"))
    end = next((i for i in range(first, len(lines)) if not lines[i].startswith("|")), len(lines))
    lines[first:end] = table().split("\n")
    path.write_text("\n".join(lines), "utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", type=Path, metavar="README", help="rewrite the table in this file")
    args = parser.parse_args()
    if args.update:
        update(args.update)
    else:
        print(table())
