"""OpenAPI: every operation documents its error answers, not only its success (drf-spectacular hook)."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Vietnamese message"}},
    "required": ["detail"],
}
# A 400 names the fields that are wrong ({"field": ["message", …]}), or says why in "detail".
VALIDATION_ERROR = {
    "type": "object",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]},
}
DESCRIPTIONS = {
    "400": "Invalid input",
    "401": "Not authenticated",
    "403": "Not allowed (not signed in, no right, or two-factor authentication missing for staff)",
    "404": "Not found — also the answer for what exists but is not yours",
    "429": "Too many requests",
}


def document_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR)
    components.setdefault("ValidationError", VALIDATION_ERROR)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = ["403", "429"]
            # A token-authenticated operation (the post's API) answers 401 to a missing or wrong token.
            if any(set(requirement) - {"cookieAuth"} for requirement in operation.get("security", [])):
                codes.append("401")
            if "{" in path or method == "get":
                codes.append("404")
            if method in ("post", "put", "patch") or operation.get("parameters"):
                codes.append("400")
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {
                            "application/json": {
                                "schema": {
                                    "$ref": "#/components/schemas/" + ("ValidationError" if code == "400" else "Error")
                                }
                            }
                        },
                    },
                )
    return result
