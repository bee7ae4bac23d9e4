"""Bearer-token check for the routes that change data."""
import os
import secrets

from fastapi import Header, HTTPException


def require_token(authorization: str | None = Header(default=None)) -> None:
    token = os.environ.get("API_TOKEN")
    if not token:
        # Fail closed: without a configured token nobody may write.
        raise HTTPException(status_code=503, detail="API_TOKEN is not set on the server")
    expected = f"Bearer {token}"
    # compare_digest takes the same time whatever the input, so timing tells nothing.
    if authorization is None or not secrets.compare_digest(authorization.encode(), expected.encode()):
        raise HTTPException(
            status_code=401,
            detail="Missing or wrong API token",
            headers={"WWW-Authenticate": "Bearer"},
        )
