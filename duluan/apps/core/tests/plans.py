"""PostgreSQL query plans for the tests that check an index serves a look-up."""

from __future__ import annotations

from django.db import connection


def explain(statements: list[str]) -> list[str]:
    """PostgreSQL's plan of each statement (complete SQL, as captured by ``CaptureQueriesContext``)."""
    plans = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def foreign_key_check_plan(table: str, column: str) -> str:
    """PostgreSQL's plan of its own foreign-key check on ``table.column`` when a referenced row is
    deleted (ri_triggers.c, ON DELETE NO ACTION): a prepared statement, planned once for any value
    of its parameter, so the generic plan. Call inside a transaction (the setting is local)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(
            f"PREPARE ri_check (bigint) AS SELECT 1 FROM ONLY {table} x"  # noqa: S608 - test's own names
            f" WHERE {column} OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x"
        )
        try:
            cursor.execute("EXPLAIN EXECUTE ri_check (1)")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE ri_check")
