"""The public read API, /api/v1/ (django-ninja). Not a Django app: no models, no migrations.

`main.api` holds the routes, `middleware.ApiMiddleware` the cross-cutting HTTP behaviour of
every /api/ response (CORS, rate limit, ETag/Last-Modified, JSON errors). See docs/api.md.
"""
