"""Strict pydantic models of a report, built from the template so the row list lives in one place.

`Report` nests exactly like the field ids (`applications.denied.state_secret.natural_person` is
`report.applications.denied.state_secret.natural_person`). Counts are integers ≥ 0, the 2019
`change` is signed, fees and amounts are `Decimal` ≥ 0; `None` means "not in this report".
`to_flat` / `from_flat` convert to and from the flat map (field id → value) used everywhere else.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from . import template as tpl

Count = Annotated[int, Field(ge=0, strict=True)]
Signed = Annotated[int, Field(strict=True)]
Amount = Annotated[Decimal, Field(ge=0)]
Year = Annotated[int, Field(ge=1990, le=2100, strict=True)]

_LEAF_TYPES: dict[tpl.Kind, Any] = {
    "count": Count,
    "signed": Signed,
    "amount": Amount,
    "text": Annotated[str, Field(min_length=1)],
    "year": Year,
    "date": dt.date,
    "template": Literal["2021", "2019"],
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


def _camel(path: list[str]) -> str:
    return "".join(p.title().replace("_", "") for p in path) or "Report"


def _build(path: list[str], ids: list[str]) -> type[BaseModel]:
    """One model per inner node of the id tree; leaves get the type of their field kind."""
    children: dict[str, list[str]] = {}
    for fid in ids:
        rest = fid.split(".")[len(path):]
        children.setdefault(rest[0], []).append(fid)
    fields: dict[str, Any] = {}
    for name, sub in children.items():
        if len(sub) == 1 and sub[0].split(".")[len(path) + 1:] == []:
            kind = tpl.spec(sub[0]).kind
            fields[name] = (_LEAF_TYPES[kind] | None, None)
        else:
            model = _build([*path, name], sub)
            fields[name] = (model, Field(default_factory=model))
    return create_model(_camel(path), __base__=_Strict, **fields)


Report: type[BaseModel] = _build([], list(tpl.field_ids()))


def to_flat(report: BaseModel) -> dict[str, Any]:
    """Report → {field id: value} with every id of the union of both formats."""
    data = report.model_dump()
    flat: dict[str, Any] = {}
    for fid in tpl.field_ids():
        node: Any = data
        for part in fid.split("."):
            node = node[part]
        flat[fid] = node
    return flat


def from_flat(flat: dict[str, Any]) -> BaseModel:
    """{field id: value} → validated Report. Unknown ids are an error (the ids are a contract)."""
    unknown = set(flat) - set(tpl.field_ids())
    if unknown:
        raise KeyError(f"unknown field ids: {sorted(unknown)[:5]}; see ../shared/TEMPLATE.md")
    nested: dict[str, Any] = {}
    for fid, value in flat.items():
        node = nested
        *parents, leaf = fid.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return Report.model_validate(nested)


def coerce(fid: str, value: Any) -> Any:
    """A JSON value (as stored in results and fixtures) → the Python value of its field kind.
    Raises ValueError with a message a reviewer can act on."""
    if value is None:
        return None
    kind = tpl.spec(fid).kind
    if kind in ("count", "signed", "year"):
        if isinstance(value, bool):
            raise ValueError(f"{fid}: expected a whole number, got {value!r}")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
            return int(value.strip())
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ValueError(f"{fid}: expected a whole number, got {value!r}")
    if kind == "amount":
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{fid}: expected a decimal amount in 万元, got {value!r}") from None
    if kind == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return str(value) if kind in ("text", "template") else value


def to_json_value(value: Any) -> Any:
    """Python value → the JSON form used in results, fixtures and exports."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def field_errors(flat: dict[str, Any]) -> dict[str, str]:
    """Validate a flat map against the strict schema; {field id: message} for each bad value
    (rule 5: every count a whole number ≥ 0, fees a decimal ≥ 0)."""
    errors: dict[str, str] = {}
    typed: dict[str, Any] = {}
    for fid, value in flat.items():
        try:
            typed[fid] = coerce(fid, value)
        except (ValueError, KeyError) as exc:
            errors[fid] = str(exc)
    try:
        from_flat({k: v for k, v in typed.items() if k not in errors})
    except ValidationError as exc:
        for err in exc.errors():
            errors[".".join(str(p) for p in err["loc"])] = err["msg"]
    return errors


def json_schema() -> dict[str, Any]:
    return Report.model_json_schema()
