{% set example_url = ("postgres://user:password@127.0.0.1:5432/" if engine == "postgres" else "mysql://user:password@127.0.0.1:3306/") ~ snake %}
import os

import pytest
from fastapi.testclient import TestClient

from app.db import connect
from app.main import app

{% if auth %}
# The token the tests send; the server reads the same variable.
TOKEN = os.environ.setdefault("API_TOKEN", "test-token")

{% endif %}

def pytest_sessionstart(session):
    # The tests run against a real database whose tables the migrations made.
    if not os.environ.get("DATABASE_URL"):
        pytest.exit(
            "DATABASE_URL is not set. Run the tests from Quantum Admin (it starts the database, "
            "applies the migrations and sets it), or set it yourself, e.g. "
            "DATABASE_URL={{ example_url }}",
            returncode=2,
        )


@pytest.fixture
def client():
{% if auth %}
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
{% else %}
    with TestClient(app) as client:
{% endif %}
        yield client


@pytest.fixture
def make_item(client):
    """Creates items through the API and deletes them after the test."""
    ids = []

    def make(name="test item"):
        response = client.post("/items", json={"name": name})
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
        return response.json()

    yield make

    with connect() as conn, conn.cursor() as cur:
        for item_id in ids:
            cur.execute("DELETE FROM items WHERE id = %s", (item_id,))
