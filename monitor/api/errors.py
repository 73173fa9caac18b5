"""API errors: always JSON `{"detail": message, "field": name-or-null}`."""

from __future__ import annotations

from django.http import JsonResponse


class ApiError(Exception):
    """An error response: 400 for a bad parameter value, 404 for an unknown resource."""

    def __init__(self, status: int, detail: str, field: str | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field


def error_response(status: int, detail: str, field: str | None = None, **headers) -> JsonResponse:
    response = JsonResponse({"detail": detail, "field": field}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response
