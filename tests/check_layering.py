"""Includes run one way: a folder of include/ipo/ includes only itself and the folders below it.

    config.hpp < core < simd < trace < steps < cues < pairs < intervention < runtime
    core < simd < loss (the training side sees none of the text stages, and they see no loss)

Umbrella headers (include/ipo/*.hpp) may include anything. Exit code 1 and one line per
offending include otherwise. Run by CTest (layering)."""

from __future__ import annotations

import pathlib
import re
import sys

BELOW = {
    "core": {"core"},
    "simd": {"core", "simd"},
    "trace": {"core", "simd", "trace"},
    "steps": {"core", "simd", "trace", "steps"},
    "cues": {"core", "simd", "trace", "steps", "cues"},
    "pairs": {"core", "simd", "trace", "steps", "cues", "pairs"},
    "intervention": {"core", "simd", "trace", "steps", "cues", "pairs", "intervention"},
    "runtime": {"core", "simd", "trace", "steps", "cues", "pairs", "intervention", "runtime"},
    "loss": {"core", "simd", "loss"},
}
INCLUDE = re.compile(r'#include\s+[<"]ipo/([a-z_]+)(/|\.hpp)')


def main(root: pathlib.Path) -> int:
    bad = []
    for header in sorted((root / "include" / "ipo").rglob("*.[ch]*")):
        parts = header.relative_to(root / "include" / "ipo").parts
        if len(parts) == 1:
            continue  # an umbrella header
        folder = parts[0]
        if folder not in BELOW:
            bad.append(f"{header}: folder {folder!r} has no place in the layering (tests/check_layering.py)")
            continue
        for number, line in enumerate(header.read_text(encoding="utf-8").splitlines(), 1):
            m = INCLUDE.search(line)
            if not m:
                continue
            target = m.group(1)
            if m.group(2) == ".hpp" and target == "config":
                continue  # config.hpp sits below everything
            if m.group(2) == ".hpp" or target not in BELOW[folder]:
                bad.append(f"{header.relative_to(root)}:{number}: {folder}/ includes {line.strip()}")
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[1]))
