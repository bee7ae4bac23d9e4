"""Bearer-token check for the routes that change data."""

import os
import secrets
from typing import Annotated

from fastapi import Header, HTTPException


def require_token(authorization: Annotated[str | None, Header()] = None) -> None:
    token = os.environ.get("API_TOKEN")
    if not token:
        # Fail closed: without a configured token nobody may write.
        raise HTTPException(status_code=503, detail="API_TOKEN is not set on the server")
    sent = (authorization or "").encode()
    # compare_digest takes the same time whatever the input, so timing tells nothing.
    if not secrets.compare_digest(sent, f"Bearer {token}".encode()):
        raise HTTPException(
            status_code=401,
            detail="Missing or wrong API token",
            headers={"WWW-Authenticate": "Bearer"},
        )
