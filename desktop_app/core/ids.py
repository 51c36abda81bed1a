"""UUIDv7 identifiers: time-ordered, minted locally, never derived from personal data."""

from __future__ import annotations

import os
import time

_last_ms = 0
_counter = 0


def new_id() -> str:
    """Return a new UUIDv7 as text (RFC 9562), monotonic within this process."""
    global _last_ms, _counter
    ms = time.time_ns() // 1_000_000
    if ms <= _last_ms:
        # Same millisecond (or a clock step back): keep ordering with a 12-bit counter.
        _counter += 1
        if _counter > 0xFFF:
            _last_ms += 1
            _counter = 0
        ms = _last_ms
        rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    else:
        _last_ms = ms
        rand = int.from_bytes(os.urandom(10), "big")
        _counter = rand & 0x7FF
        rand_b = (rand >> 16) & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (_counter & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
