"""How USD figures are written, in every text output: None is a price with no source (passenger
fares), written 'not priced', never 0."""

from __future__ import annotations


def usd_cell(value) -> str:
    """A table cell: '1,234', or 'not priced'."""
    return "not priced" if value is None else f"{value:,.0f}"


def usd_words(value, spec: str = ",.0f") -> str:
    """Running text: '1,234 USD' (``spec="+,.0f"``: '+1,234 USD'), or 'USD not priced'."""
    return "USD not priced" if value is None else f"{value:{spec}} USD"
