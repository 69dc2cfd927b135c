"""How the issues app's tables are stored on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TOAST compression is PostgreSQL's")
def test_the_clusterer_state_is_compressed_with_lz4_where_the_server_has_it():
    # given the migrated database and the methods this server was built with
    with connection.cursor() as cursor:
        cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        methods = cursor.fetchone()[0]
        # when the state column's compression is read
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'issues_clustererstate'::regclass AND attname = 'state'"
        )
        method = cursor.fetchone()[0]
    # then it is LZ4 ('l') when available, else the server's default (empty)
    assert method == ("l" if "lz4" in methods else "")
