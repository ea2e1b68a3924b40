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


SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def power_of_ten(value: float, *, digits: int = 3, style: str = "text") -> str:
    """2.25e-08 in powers of ten, never SI prefixes or e-notation: '2.25 × 10⁻⁸' (text),
    '2.25 \\times 10^{-8}' (LaTeX), '2.25×10<sup>−8</sup>' (HTML, for plotly); ``digits``
    significant digits. 0 stays '0'."""
    value = float(value)
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    e = int(exponent)
    if style == "latex":
        return latex(f"{mantissa} \\times 10^{{{e}}}")
    if style == "html":
        return f"{mantissa}×10<sup>{e}</sup>".replace("-", MINUS)
    if style != "text":
        raise ValueError(f"Unknown style {style!r}: text, latex or html.")
    return f"{mantissa} × 10{str(e).translate(SUPERSCRIPTS)}".replace("-", MINUS)


def small(value: float, *, decimals: int = 4, style: str = "text") -> str:
    """A number to ``decimals`` decimals ('0.0500', '−0.9975'), unless that would show a
    non-zero number as 0.000…: then in powers of ten ('2.25 × 10⁻⁸'), so a tiny probability
    is never written 0.0000 beside its finite log."""
    value = float(value)
    if value != 0 and abs(value) < 10.0 ** -(decimals - 1):
        return power_of_ten(value, style=style)
    text = f"{value:.{decimals}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")  # −0.0000 is 0.0000
    return text if style == "latex" else text.replace("-", MINUS)
