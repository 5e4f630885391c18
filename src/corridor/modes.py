"""The modes of transport and how edges and masks refer to them."""

from __future__ import annotations

SEA, RAIL, ROAD, FERRY, TRANSFER = 0, 1, 2, 3, 4
AIR = 5  # appended: TRANSFER keeps its value, and nothing may assume it is the largest
NAMES = {SEA: "sea", RAIL: "rail", ROAD: "road", FERRY: "ferry", TRANSFER: "transfer", AIR: "air"}
BY_NAME = {v: k for k, v in NAMES.items()}
SURFACE = ("sea", "rail", "road", "ferry")


def bit(mode: int) -> int:
    return 1 << mode


def mask_of(names) -> int:
    m = 0
    for name in names:
        m |= bit(BY_NAME[name])
    return m
