"""Command line for the store: ``python -m data_access load-demo | export --out DIR | migrate``."""

from __future__ import annotations

import argparse
import getpass
import socket
import sys
from pathlib import Path

from data_access import audit
from data_access.engine import make_engine, migrate
from data_access.imports.formats import KINDS
from data_access.users import add_role, list_users, remove_role
from domain.roles import ROLES
from geo.areas import AREA_COMMITTEES


def _cli_user() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()} (command line)"


def _users(engine, args: argparse.Namespace) -> int:  # noqa: ANN001
    migrate(engine)
    try:
        with engine.begin() as connection:
            if args.user_action == "add":
                add_role(connection, args.email, args.role, args.area)
                print(f"{args.email}: {args.role}{' ' + args.area if args.area else ''} granted")
            elif args.user_action == "remove":
                count = remove_role(connection, args.email, args.role)
                print(f"{count} role(s) removed from {args.email}")
            else:
                for email, role, area in list_users(connection).iter_rows():
                    print(f"{email:40s} {role:16s} {area}")
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _import(engine, args: argparse.Namespace) -> int:  # noqa: ANN001
    from data_access.imports import ImportRefused, commit, validate
    from data_access.imports.cli_file import read_extract

    migrate(engine)
    data, problem = read_extract(args.file)
    if problem:
        print(f"error: {problem} Nothing was imported.", file=sys.stderr)
        return 2
    try:
        report = validate(data, args.file.name, args.kind)
    except Exception as error:  # noqa: BLE001 - never a traceback for a data manager
        print(f"error: {args.file} could not be checked because of an unexpected error "
              f"({type(error).__name__}: {error}). Nothing was imported.", file=sys.stderr)  # fmt: skip
        return 3
    for note in report.notes:
        print(f"note: {note}")
    print(f"{report.rows_in_file:,} rows read; {len(report.valid_rows):,} valid; "
          f"{report.rejected_rows:,} rejected")  # fmt: skip
    for problem in report.problems[:200]:
        where = "file" if problem.row is None else f"row {problem.row}"
        column = f", column {problem.column}" if problem.column else ""
        value = f" (value: {problem.value!r})" if problem.value else ""
        print(f"  {where}{column}{value}: {problem.reason}")
    if len(report.problems) > 200:
        print(f"  … and {len(report.problems) - 200:,} more problems")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0 if report.clean else 1
    try:
        result = commit(engine, report, _cli_user(), valid_rows_only=args.valid_rows_only)
    except ImportRefused as error:
        print(f"Nothing was imported: {error}", file=sys.stderr)
        return 1
    if args.valid_rows_only and report.problems:
        print(f"WARNING: {report.rejected_rows:,} rejected row(s) were left out.")
    print(f"Imported: {result.inserted:,} new, {result.updated:,} updated, "
          f"{result.unchanged:,} unchanged.")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_access")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the schema (Alembic)")
    demo = commands.add_parser(
        "load-demo", help="replace the store's contents with synthetic demo data"
    )
    demo.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply children and events (1: the calibrated demo; 0.05: sparse; 100: volume)",
    )
    export = commands.add_parser("export", help="write the monthly aggregates as CSV")
    export.add_argument("--out", type=Path, required=True, help="folder to write the CSV files to")
    export.add_argument("--vintage", default="2004", help="ward set (default 2004)")
    export.add_argument(
        "--for-publication",
        action="store_true",
        help="apply Area Committee disclosure control (counts 1-4 and what reveals them as c)",
    )
    imp = commands.add_parser("import", help="validate and load an extract (CSV or .xlsx)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--kind", required=True, choices=sorted(KINDS))
    imp.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    imp.add_argument(
        "--valid-rows-only",
        action="store_true",
        help="commit the valid rows even though other rows were rejected",
    )
    load = commands.add_parser("load-boundaries", help="load a new ward vintage into the store")
    load.add_argument("file", type=Path, help="GeoJSON or GeoPackage of ward polygons")
    load.add_argument("--level", default="ward", choices=["ward"])
    load.add_argument("--vintage", required=True, help="a short name, e.g. 2026")
    load.add_argument("--code-field", required=True, help="property holding the ward code")
    load.add_argument("--name-field", required=True, help="property holding the ward name")
    load.add_argument("--replace", action="store_true", help="replace a vintage already loaded")
    users_cmd = commands.add_parser("users", help="manage who holds which role")
    user_actions = users_cmd.add_subparsers(dest="user_action", required=True)
    add = user_actions.add_parser("add", help="give a user a role")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument("--area", choices=list(AREA_COMMITTEES), help="for --role area_committee")
    remove = user_actions.add_parser("remove", help="take a role (or every role) away")
    remove.add_argument("email")
    remove.add_argument("--role", choices=list(ROLES))
    user_actions.add_parser("list", help="everyone and their roles")
    args = parser.parse_args(argv)

    engine = make_engine()
    if args.command == "migrate":
        from data_access.store import prepare_real_store

        migrate(engine)
        print("Schema is up to date.")
        if prepare_real_store(engine):
            print("New store prepared for real data: reference tables loaded, demo data will not be "
                  "loaded into it. Import extracts with: python -m data_access import FILE --kind KIND")  # fmt: skip
    elif args.command == "load-demo":
        from data_access.store import rebuild_demo

        counts = rebuild_demo(engine, args.scale)
        for table, rows in counts.items():
            print(f"{table:24s} {rows:>8,d} rows")
        print(f"Synthetic demo data loaded into {engine.url.render_as_string(hide_password=True)}")
    elif args.command == "export":
        from data_access.export import write_exports

        migrate(engine)
        with engine.connect() as connection:
            paths = write_exports(connection, args.out, args.vintage, args.for_publication)
        for path in paths:
            print(path)
        with engine.begin() as connection:
            audit.record(
                connection,
                _cli_user(),
                "command line",
                "export",
                "python -m data_access export",
                {"out": str(args.out), "for_publication": args.for_publication},
            )
    elif args.command == "load-boundaries":
        from data_access.boundary_vintages import BoundaryError, load_boundaries

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
    elif args.command == "users":
        return _users(engine, args)
    elif args.command == "import":
        return _import(engine, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
