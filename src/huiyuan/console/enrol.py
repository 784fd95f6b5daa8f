"""办理会员: the enrolment form, with the program's required fields and join conditions, and
each error shown beside its field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ..errors import HuiyuanError
from ..services import members, programs
from ..services.inputs import MemberIn
from .auth import Posted, Session, context, permit
from .labels import FIELDS, KINDS
from .render import SECURITY_HEADERS, page

router = APIRouter()

# A refusal's code → the field it is about, so the message stands beside that field.
_FIELD_OF_CODE = {
    "invalid_phone": "phone",
    "phone_taken": "phone",
    "invalid_id_number": "id_number",
    "id_number_taken": "id_number",
    "id_type_not_accepted": "id_number",
    "join_condition_not_met": "fee_paid",
    "kind_not_offered": "kind",
}
_FORM_FIELDS = (*FIELDS, "kind", "fee_paid", "qualifying_spend", "guide_id", "store")


def terms(ctx: Any, program: str) -> dict[str, Any]:
    """What the form asks: the required fields, kinds offered and the join conditions."""
    described = programs.describe(ctx, program)
    membership = described["config"]["membership"]
    conditions = [c for c in membership["join_any"] if c["kind"] != "any"]
    return {
        "program_name": described["name"],
        "required": list(membership["required_fields"]),
        "offered_kinds": list(membership["kinds"]),
        "fee": next((c["amount"] for c in conditions if c["kind"] == "fee"), None),
        "spend": next((c for c in conditions if c["kind"] != "fee"), None),
    }


def _form_page(
    request: Request, program: str, facts: dict[str, Any], values: dict[str, str], **extra: Any
) -> HTMLResponse:
    return page(
        request,
        "enrol.html",
        extra.pop("status", 200),
        program=program,
        fields=FIELDS,
        kind_names=KINDS,
        values=values,
        errors=extra.pop("errors", {}),
        error=extra.pop("error", None),
        **facts,
    )


@router.get("/members/{program}/new", response_class=HTMLResponse)
async def enrol_form(request: Request, session: Session, program: str) -> Response:
    permit(session, "enroll")
    facts = await run_in_threadpool(terms, context(request), program)
    values = {"guide_id": session.staff.guide_id or "", "store": session.staff.store or ""}
    return _form_page(request, program, facts, values)


def _body(values: dict[str, str]) -> dict[str, Any]:
    """The form as the service's input: empty fields are left out."""
    return {k: v.strip() for k, v in values.items() if k in _FORM_FIELDS and v.strip()}


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for e in exc.errors():
        where = str(e["loc"][0]) if e["loc"] else ""
        errors.setdefault(where, "格式不正确 / " + e["msg"])
    return errors


@router.post("/members/{program}/new", response_class=HTMLResponse)
async def enrol(request: Request, session: Posted, program: str) -> Response:
    permit(session, "enroll")
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
    ctx = context(request)
    facts = await run_in_threadpool(terms, ctx, program)
    try:
        data = MemberIn.model_validate(_body(values))
        joined = await run_in_threadpool(members.enroll, ctx, program, data, session.caller.actor)
    except ValidationError as exc:
        return _form_page(request, program, facts, values, status=422, errors=_field_errors(exc))
    except HuiyuanError as exc:
        missing = exc.extra.get("fields") or []
        errors = {f: "必填 / required" for f in missing}
        field = _FIELD_OF_CODE.get(exc.code)
        if field:
            errors[field] = exc.detail
        error = None if errors else exc.detail
        return _form_page(
            request, program, facts, values, status=exc.status, errors=errors, error=error
        )
    target = f"/members/{program}/{joined['member_id']}"
    return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
