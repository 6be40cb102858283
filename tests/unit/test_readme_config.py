"""README.md's configuration table stays in step with backend/config.py's SETTINGS."""
from __future__ import annotations

import re
from pathlib import Path

from backend.config import SETTINGS

README = Path(__file__).resolve().parents[2] / "README.md"


def documented_settings() -> set[str]:
    """Variable names in the first column of the table under the '## Configuration' heading."""
    text = README.read_text("utf-8")
    assert "\n## Configuration" in text, "README.md has no '## Configuration' section"
    section = text.split("\n## Configuration", 1)[1]
    section = re.split(r"\n#{1,3} ", section, maxsplit=1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, flags=re.MULTILINE))


def test_the_readme_documents_every_setting() -> None:
    missing = [s.name for s in SETTINGS if s.name not in documented_settings()]
    assert not missing, f"missing from README.md; run scripts/config-table.py --update README.md: {missing}"


def test_the_readme_documents_no_setting_that_does_not_exist() -> None:
    assert documented_settings() <= {s.name for s in SETTINGS}
