"""The OpenAPI document: the schemas every route refers to but none declares as its answer
(problem details), and the bearer-token scheme so `/docs` has an Authorize button."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from .schemas.common import Problem


def install(app: FastAPI) -> None:
    def document() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = doc.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        problem = TypeAdapter(Problem).json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem.pop("$defs", {}))
        schemas["Problem"] = problem
        components["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer", "description": "API token"}
        }
        doc["security"] = [{"bearer": []}]
        app.openapi_schema = doc
        return doc

    app.openapi = document  # type: ignore[method-assign]
