"""Pure text builders: numbers in, the sentences, formulas and table rows a lesson shows out.

One module per lesson, no streamlit here, so each is tested like the engine. A ``Message`` is a
sentence with the kind of box it belongs in (success, info, warning, error).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["success", "info", "warning", "error", "caption", "markdown"]


@dataclass(frozen=True)
class Message:
    kind: Kind
    text: str
    icon: str | None = None
