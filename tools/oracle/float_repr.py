#!/usr/bin/env python3
"""
CPython's float text, for comparing a float writer against it.

stdin : one IEEE-754 binary64 bit pattern per line, as 16 hex digits
        (big-endian, upper or lower case; surrounding whitespace ignored),
        e.g. 3ff0000000000000
stdout: one line per input line:  <repr(x)>\t<json.dumps(x)>
        e.g. "1.0\t1.0", "nan\tNaN", "-inf\t-Infinity", "1e+16\t1e+16"

repr() is float.__repr__ (shortest round-tripping text); json.dumps is what
Django's JSONSerializer writes (it differs from repr only for nan/inf/-inf).
Lines are processed in blocks of about 1 MiB (one bytes.fromhex and one
struct.unpack per block).  For finite x the JSON text is float.__repr__(x),
which is what CPython's json encoder itself writes; nan/inf/-inf are taken
from json.dumps.  --slow-json calls json.dumps on every value instead (same
output, about twice as slow).  Random 64-bit patterns cost about 3 us each
in float.__repr__ (huge exponents), so a million lines take ~3 s.
Exit status 2 on a malformed line (its number is reported on stderr; lines
before it in the same block are still written).

Usage:  python tools/oracle/float_repr.py [--slow-json] < bits.txt > floats.txt
"""

import json
import re
import struct
import sys

BLOCK_BYTES = 1 << 20  # read about a MiB of lines at a time
NONFINITE = {repr(x): json.dumps(x) for x in (float("nan"), float("inf"), float("-inf"))}
SLOW_JSON = "--slow-json" in sys.argv[1:]
LINE = re.compile(rb"[ \t]*[0-9A-Fa-f]{16}[ \t\r]*\n?")


def convert(lines, first_lineno, out):
    """lines: list of raw byte lines. Returns False after reporting a bad line."""
    data = b"".join(lines)
    n = len(lines)
    # fast path: the whole block is well-formed
    if re.fullmatch(rb"(?:[ \t]*[0-9A-Fa-f]{16}[ \t\r]*\n)*(?:[ \t]*[0-9A-Fa-f]{16}[ \t\r]*)?", data) is None:
        for i, ln in enumerate(lines):
            if not LINE.fullmatch(ln):
                good = lines[:i]
                if good:
                    convert(good, first_lineno, out)
                sys.stderr.write("float_repr.py: line %d is not 16 hex digits: %r\n" % (first_lineno + i, ln))
                return False
    raw = bytes.fromhex(data.decode("ascii"))  # fromhex skips the whitespace
    vals = struct.unpack(">%dd" % n, raw)
    reprs = list(map(float.__repr__, vals))
    if SLOW_JSON:
        # json.dumps over the whole block: its items are exactly json.dumps(x)
        # of each element, separated by ", " (no float text contains ", ").
        js = json.dumps(vals)[1:-1].split(", ") if n else []
    else:
        # CPython's json encoder writes float.__repr__(x) for every finite x
        # (Lib/json/encoder.py floatstr, Modules/_json.c encoder_encode_float);
        # only nan/inf/-inf get other text, which we ask json.dumps for.
        js = [r if r not in NONFINITE else NONFINITE[r] for r in reprs]
    out.write("".join(["%s\t%s\n" % rj for rj in zip(reprs, js)]))
    return True


def main():
    out = sys.stdout
    inp = sys.stdin.buffer
    lineno = 1
    while True:
        lines = inp.readlines(BLOCK_BYTES)
        if not lines:
            break
        if not convert(lines, lineno, out):
            out.flush()
            sys.exit(2)
        lineno += len(lines)
    out.flush()


if __name__ == "__main__":
    main()
