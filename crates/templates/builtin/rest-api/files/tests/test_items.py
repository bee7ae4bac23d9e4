{% if auth %}
from fastapi.testclient import TestClient

from app.main import app


{% endif %}
def test_health(client):
    assert client.get("/health").json() == {"status": "ok"}


def test_create_then_get(client, make_item):
    item = make_item("first")
    assert item["name"] == "first"
    assert item["created_at"]

    response = client.get(f"/items/{item['id']}")
    assert response.status_code == 200
    assert response.json() == item


def test_list_includes_new_items_in_order(client, make_item):
    a = make_item("a")
    b = make_item("b")
    ids = [item["id"] for item in client.get("/items").json()]
    assert ids.index(a["id"]) < ids.index(b["id"])


def test_delete(client, make_item):
    item = make_item()
    assert client.delete(f"/items/{item['id']}").status_code == 204
    assert client.get(f"/items/{item['id']}").status_code == 404
    assert client.delete(f"/items/{item['id']}").status_code == 404


def test_missing_item_is_404(client):
    assert client.get("/items/999999999").status_code == 404


def test_name_is_required(client):
    assert client.post("/items", json={"name": ""}).status_code == 422
    assert client.post("/items", json={}).status_code == 422
{% if auth %}


def test_writes_need_the_token(make_item):
    item = make_item()
    anonymous = TestClient(app)
    assert anonymous.post("/items", json={"name": "x"}).status_code == 401
    assert anonymous.delete(f"/items/{item['id']}").status_code == 401
    wrong = {"Authorization": "Bearer wrong"}
    assert anonymous.post("/items", json={"name": "x"}, headers=wrong).status_code == 401
    # Reads stay open.
    assert anonymous.get(f"/items/{item['id']}").status_code == 200
{% endif %}
