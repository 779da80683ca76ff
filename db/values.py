"""Reading stored values that a hand edit or another tool may have left malformed: shown as
they are stored, never failing the command that reads them."""

from __future__ import annotations

import json


def stored_list(raw: str | None) -> list[str]:
    """A stored JSON list of names as a list of strings; a value that is no such list (written
    by hand or by another tool) is shown as it is stored rather than failing the command."""
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return [str(raw)]
    if not isinstance(value, list):
        return [str(raw)]
    return [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value]
