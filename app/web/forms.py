"""Form input parsed into a schema, with errors kept for re-rendering the form."""

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from app.errors import DomainError
from app.i18n import _

Schema = TypeVar("Schema", bound=BaseModel)


@dataclass
class FormResult(Generic[Schema]):
    values: dict[str, str]
    data: Schema | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors

    def add_error(self, error: DomainError) -> None:
        self.errors[error.field or "__all__"] = error.message


def _message(error: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("This field is required.")
        return _("At least %(n)s characters.", n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("At most %(n)s characters.", n=ctx.get("max_length"))
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    if kind == "enum" or kind == "literal_error":
        return _("Choose one of the options.")
    return _("This value is not valid.")


def form_parser(schema: type[Schema]):
    """A dependency that reads the posted form into `schema`."""

    async def parse(request: Request) -> FormResult[Schema]:
        form = await request.form()
        values: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                values.setdefault(key, value)
                lists.setdefault(key, []).append(value)
        raw = {
            name: lists.get(name, []) if _is_list(schema, name) else values.get(name)
            for name in schema.model_fields
            if name in values or _is_list(schema, name)
        }
        try:
            return FormResult(values=values, data=schema.model_validate(raw))
        except ValidationError as error:
            errors = {}
            for item in error.errors():
                name = str(item["loc"][0]) if item["loc"] else "__all__"
                errors.setdefault(name, _message(item))
            return FormResult(values=values, errors=errors)

    return parse


def _is_list(schema: type[BaseModel], name: str) -> bool:
    annotation = schema.model_fields[name].annotation
    return getattr(annotation, "__origin__", None) is list
