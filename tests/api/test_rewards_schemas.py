"""The rewards and stored-value routes document their answers: each operation names its
response schema, with an example, and the problems it can answer with."""

from __future__ import annotations

from typing import Any

from huiyuan.api import rewards, value


def test_every_rewards_operation_has_a_response_schema_and_its_problems(make_api: Any) -> None:
    api = make_api("supermarket")
    doc = api.client.app.openapi()
    schemas = doc["components"]["schemas"]
    routes = [
        (method.lower(), route.path)
        for route in rewards.router.routes + value.router.routes
        for method in route.methods
    ]
    assert len(routes) == 19
    for method, path in routes:
        op = doc["paths"][path][method]
        ok = [code for code in op["responses"] if code.startswith("2")]
        assert len(ok) == 1, (method, path)
        ref = op["responses"][ok[0]]["content"]["application/json"]["schema"]["$ref"]
        schema = schemas[ref.rsplit("/", 1)[1]]
        assert schema["additionalProperties"] is False, (method, path)
        assert schema["examples"], (method, path)
        assert {"401", "404"} <= set(op["responses"]), (method, path)
