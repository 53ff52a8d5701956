"""Writing hundreds of thousands of rows at once: PostgreSQL ``COPY`` through psycopg, and a
plain DBAPI ``executemany`` of tuples on SQLite, both inside the caller's transaction.

SQLAlchemy's ``insert(model), rows`` builds a parameter dictionary per row, which at a million
rows costs minutes; these paths send the same values (converted by each column's own type, so
what is stored is what the ORM would have stored) in a few seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Table, insert


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict]) -> None:
    """Insert ``rows`` (dicts keyed by column name, all with the same keys) into ``table``."""
    if not rows:
        return
    columns = [table.c[name] for name in rows[0]]
    dialect = connection.dialect
    if dialect.name == "postgresql":
        names = [column.name for column in columns]
        _copy(connection, table, names, ([row[name] for name in names] for row in rows))
    elif dialect.name == "sqlite":
        processors = [column.type.bind_processor(dialect) for column in columns]
        names = [column.name for column in columns]
        values = [
            tuple(
                row[name] if process is None or row[name] is None else process(row[name])
                for name, process in zip(names, processors, strict=True)
            )
            for row in rows
        ]
        quoted = ", ".join(f'"{name}"' for name in names)
        marks = ", ".join("?" for _ in names)
        # names come from the table's own metadata, never from input; values are bound
        sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'  # noqa: S608

        connection.exec_driver_sql(sql, values)
    else:  # any other dialect: the portable (slower) path
        connection.execute(insert(table), list(rows))


def _copy(connection: Connection, table: Table, names: list[str], rows: Iterable[Sequence]) -> None:
    from psycopg import sql

    driver = connection.connection.driver_connection  # the psycopg connection in this transaction
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    with driver.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        if "id" in names and "id" in table.c and table.c.id.autoincrement is not False:
            # explicit ids do not move the sequence: move it, or the next insert would collide
            cursor.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {}))"
                ).format(sql.Identifier(table.name)),
                [table.name],
            )


def bulk_insert_tuples(
    connection: Connection, table: Table, names: list[str], rows: Sequence[tuple]
) -> None:
    """Insert rows given as tuples of plain values (str, int, bool, None) in ``names`` order:
    the aggregates' path, with no per-value conversion."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _copy(connection, table, names, rows)
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
        return
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    # names come from the table's own metadata, never from input; values are bound
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'  # noqa: S608
    connection.exec_driver_sql(sql, list(rows))
