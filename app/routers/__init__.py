"""One router per resource; each serves its pages and their JSON twins under ``/api/v1``."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from starlette.datastructures import FormData

NULL_REFUSED = "must not be null; leave the field out to keep its value"


def form_text(form: FormData, name: str) -> str | None:
    """The text of the form field ``name``; None when it is missing (or, which
    :func:`app.deps.read_form` refuses, a file)."""
    value = form.get(name)
    return value if isinstance(value, str) else None


def _drop_null(schema: dict[str, Any], cls: type[PatchBody]) -> None:
    """Describe the fields outside ``NULLABLE`` without ``null`` in the JSON schema."""
    for name, prop in schema.get("properties", {}).items():
        variants = prop.get("anyOf")
        if name not in cls.NULLABLE and variants and {"type": "null"} in variants:
            rest = [v for v in variants if v != {"type": "null"}]
            if len(rest) == 1:
                del prop["anyOf"]
                prop.update(rest[0])


class PatchBody(BaseModel):
    """A JSON body of a PATCH route: a field left out keeps its value, and null is
    refused (422, :data:`NULL_REFUSED`) except for the fields in ``NULLABLE``, whose
    null clears the value. Fields are declared ``T | None = None``; the schema leaves
    ``null`` out where it is refused."""

    model_config = ConfigDict(json_schema_extra=_drop_null)
    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise PydanticCustomError("null_refused", NULL_REFUSED)
        return value
