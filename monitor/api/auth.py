"""Token authentication of the write API: `Authorization: Bearer <token>`.

Tokens are personal: a researcher or editor creates one on their profile page
(/accounts/profile/); only its SHA-256 is stored (monitor.editorial.services.api_token_user).
A bearer token is not a cookie, so no CSRF check applies.
"""

from __future__ import annotations

from ninja.security import HttpBearer

from monitor.api.errors import error_response
from monitor.editorial.services import api_token_user

REALM = "Monitor API"


class TokenAuth(HttpBearer):
    """The user owning an active token, or None (-> 401)."""

    def authenticate(self, request, token: str):
        return api_token_user(token.strip())


token_auth = TokenAuth()


def unauthorized(request):
    """401 JSON with the WWW-Authenticate challenge (RFC 6750)."""
    presented = bool(request.headers.get("Authorization", "").strip())
    if presented:
        detail = "invalid or revoked token"
        challenge = f'Bearer realm="{REALM}", error="invalid_token"'
    else:
        detail = "authentication required: send Authorization: Bearer <token>"
        challenge = f'Bearer realm="{REALM}"'
    return error_response(401, detail, None, WWW_Authenticate=challenge)
