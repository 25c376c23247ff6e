"""``/docs``: the OpenAPI description rendered as a page (no external scripts, so it
works air-gapped); the machine-readable document is ``/api/v1/openapi.json``."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def docs_page(request: Request):
    schema = request.app.openapi()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "tag": (op.get("tags") or [""])[0],
            "body": _body(op),
            "responses": sorted(op.get("responses", {})),
        }
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    ]
    return render(request, "admin/docs.html", {"operations": operations, "schema": schema})


def _body(op: dict) -> str:
    content = op.get("requestBody", {}).get("content", {})
    for kind, spec in content.items():
        ref = spec.get("schema", {}).get("$ref", "")
        return f"{kind} {ref.rsplit('/', 1)[-1]}".strip()
    return ""
