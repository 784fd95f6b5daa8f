"""The staff console: server-rendered pages (Jinja2 + HTMX) that call the services directly.

Chinese first, English beside it; everything it shows is served from this package."""
