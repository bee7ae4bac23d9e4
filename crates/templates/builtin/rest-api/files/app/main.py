"""The HTTP API: items with an id, a name and a creation time."""

from datetime import datetime
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Response
from pydantic import BaseModel, Field

{% if auth %}
from app.auth import require_token
{% endif %}
from app.db import Connection, get_db
{% if auth %}

# Writes need the API token; reads stay open.
WRITE = [Depends(require_token)]
{% else %}

# Anyone may write: this project was made without the API-token option.
WRITE: list = []
{% endif %}

app = FastAPI(title={{ name|tojson }})

# A database connection for the length of one request.
DB = Annotated[Connection, Depends(get_db)]


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class Item(BaseModel):
    id: int
    name: str
    created_at: datetime


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.get("/items")
def list_items(db: DB) -> list[Item]:
    with db.cursor() as cur:
        cur.execute("SELECT id, name, created_at FROM items ORDER BY id")
        return cur.fetchall()


@app.get("/items/{item_id}")
def get_item(item_id: int, db: DB) -> Item:
    with db.cursor() as cur:
        cur.execute("SELECT id, name, created_at FROM items WHERE id = %s", (item_id,))
        row = cur.fetchone()
    if row is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return row


@app.post("/items", status_code=201, dependencies=WRITE)
def create_item(item: ItemIn, db: DB) -> Item:
    with db.cursor() as cur:
        # RETURNING works on PostgreSQL and on MariaDB 10.5+.
        cur.execute(
            "INSERT INTO items (name) VALUES (%s) RETURNING id, name, created_at",
            (item.name,),
        )
        return cur.fetchone()


@app.delete("/items/{item_id}", status_code=204, dependencies=WRITE)
def delete_item(item_id: int, db: DB) -> Response:
    with db.cursor() as cur:
        cur.execute("DELETE FROM items WHERE id = %s", (item_id,))
        if cur.rowcount == 0:
            raise HTTPException(status_code=404, detail="Item not found")
    return Response(status_code=204)
