"""Numbers written the way the lecture writes them: 1, −1, 0.25, (1, 1, −2)."""

from __future__ import annotations

from collections.abc import Iterable

MINUS = "\u2212"


def num(value: float, *, digits: int = 3, trim: bool = True) -> str:
    """A number rounded to ``digits`` decimals, with a true minus sign and never "−0".

    ``trim`` drops trailing zeros: 2.0 -> '2', -0.5 -> '−0.5'. Without it every decimal stays,
    0.5 -> '0.5000' with 4 digits: a column of rounded values lines up, and a value that was
    rounded looks rounded.
    """
    value = float(value)
    if not trim:
        text = f"{value:.{digits}f}"
        return (text.lstrip("-") if set(text) <= set("-0.") else text).replace("-", MINUS)
    if value == 0:
        return "0"  # also turns -0.0 into 0
    text = f"{round(value, digits):.{digits}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("-", MINUS)


def vec(values: Iterable[float], *, digits: int = 3) -> str:
    """(1, 1, −2)"""
    return "(" + ", ".join(num(v, digits=digits) for v in values) + ")"


def paren_if_negative(value: float, *, digits: int = 3, trim: bool = True) -> str:
    """Products read like the lecture's: 2 × 1 + (−1) × 1."""
    text = num(value, digits=digits, trim=trim)
    return f"({text})" if text.startswith(MINUS) else text


def latex(text: str) -> str:
    """KaTeX wants an ASCII hyphen for minus inside maths."""
    return text.replace(MINUS, "-")
