"""How numbers read in ditf's sentences, tables and pages: one format for amounts everywhere."""

from __future__ import annotations

__all__ = ["format_amount"]


def format_amount(value: float | None, digits: int = 6) -> str:
    """An amount with ``digits`` significant digits and thousands separators, never an exponent.

    A salary of 8,000,000 JPY reads "8,000,000", not "8e+06"; 1e-9 reads "0"; None reads "".

    Examples
    --------
    >>> format_amount(10270.3, 4), format_amount(108000), format_amount(0.35)
    ('10,270', '108,000', '0.35')
    >>> format_amount(9e6), format_amount(-2.5e7, 4)
    ('9,000,000', '-25,000,000')
    """
    if value is None:
        return ""
    if abs(value) >= 10 ** (digits - 1):  # whole digits only: round, then write them all
        return f"{float(f'{value:.{digits}g}'):,.0f}"
    text = f"{value:,.{digits}g}"
    if "e" in text:  # below 1e-4: fixed point with ``digits`` decimals, "0" if it rounds away
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
