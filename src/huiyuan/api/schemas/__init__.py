"""Response models: what every operation of the HTTP API answers (API.md).

Each answer is a `TypedDict` built by the service that produces it, so the wire format costs
nothing to build and mypy checks it where it is made. `answer` marks them closed
(additionalProperties false): a route whose service returns an undeclared field fails the test
suite instead of drifting from the OpenAPI document. One module per area mirrors `services/`."""
