{% set example_url = ("postgres://user:password@127.0.0.1:5432/" if engine == "postgres" else "mysql://user:password@127.0.0.1:3306/") ~ snake %}
"""Database connections, from DATABASE_URL (Quantum Admin sets it when it runs the tests)."""

import os
from collections.abc import Iterator
{% if engine == "mariadb" %}
from urllib.parse import unquote, urlsplit
{% endif %}

{% if engine == "postgres" %}
import psycopg
from psycopg.rows import dict_row

Connection = psycopg.Connection
{% else %}
import pymysql
from pymysql.cursors import DictCursor

Connection = pymysql.connections.Connection
{% endif %}


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError(
            "DATABASE_URL is not set; e.g. {{ example_url }}"
        )
    return url


{% if engine == "postgres" %}
def connect() -> Connection:
    # Rows come back as dicts, and each statement commits on its own.
    return psycopg.connect(database_url(), row_factory=dict_row, autocommit=True)
{% else %}
def connect() -> Connection:
    # PyMySQL takes no URL: split mysql://user:password@host:port/database ourselves
    # (its parts are percent-encoded).
    url = urlsplit(database_url())
    return pymysql.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 3306,
        user=unquote(url.username or ""),
        password=unquote(url.password or ""),
        database=unquote(url.path.lstrip("/")),
        cursorclass=DictCursor,
        autocommit=True,
    )
{% endif %}


def get_db() -> Iterator[Connection]:
    """A FastAPI dependency: one connection per request, closed after it.
    Simple and enough for a start; put a connection pool here when traffic grows."""
    conn = connect()
    try:
        yield conn
    finally:
        conn.close()
