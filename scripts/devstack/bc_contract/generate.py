"""Derive the facts-only contract from BigCommerce's OpenAPI files.

Every `$ref` is resolved (also into another file), and everything that is prose is dropped:
what stays is field names, types, required fields, enums, formats, bounds and status codes.
OpenAPI 3.0 schema dialect is turned into JSON Schema (draft 7): `nullable` (and the
`x-nullable` some files use) becomes a `"null"` type, boolean `exclusiveMinimum` and
`exclusiveMaximum` become numbers, and `readOnly`/`writeOnly` fields are kept out of the
direction they do not belong to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .operations import (
    B2B_ERROR,
    COMMON_STATUSES,
    EMPTY_COLLECTION_204,
    OAUTH_TOKEN,
    OPERATIONS,
    RESPONSE_RELAXATIONS,
    SERVER_PREFIX,
    SORT_WITH_DIRECTION,
    V2_ERROR,
    V3_ERROR,
    WEBHOOKS,
    Operation,
)

# Schema keywords that carry facts; everything else (prose, examples, vendor extensions) goes.
SCHEMA_FACTS = frozenset(
    {
        "type",
        "format",
        "enum",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "default",
    }
)
METHODS = ("get", "put", "post", "delete", "patch")


class Specs:
    """The docs checkout's `reference/` files, loaded once each, with `$ref` resolution."""

    def __init__(self, reference: Path) -> None:
        self._root = reference
        self._files: dict[str, Any] = {}

    def load(self, name: str) -> Any:
        if name not in self._files:
            with (self._root / name).open(encoding="utf-8") as handle:
                self._files[name] = yaml.safe_load(handle)
        return self._files[name]

    def resolve(self, ref: str, current: str) -> tuple[Any, str, str]:
        """The node a `$ref` points at, the file it is in, and a key naming it."""
        target, _, pointer = ref.partition("#")
        name = str((Path(current).parent / target).as_posix()) if target else current
        node = self.load(name)
        for part in (p for p in pointer.split("/") if p):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, name, f"{name}#{pointer}"


class Deriver:
    """Turns one spec file's nodes into facts-only JSON Schema, resolving refs as it goes."""

    def __init__(self, specs: Specs) -> None:
        self.specs = specs

    def deref(self, node: Any, spec: str) -> tuple[Any, str]:
        """Follow `$ref`s (parameters, responses, bodies) to the node itself."""
        while isinstance(node, dict) and "$ref" in node:
            node, spec, _ = self.specs.resolve(node["$ref"], spec)
        return node, spec

    def schema(
        self, node: Any, spec: str, direction: str, seen: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """`node` as JSON Schema for `direction` ("request" or "response")."""
        if not isinstance(node, dict):
            return {}
        if "$ref" in node:
            if node["$ref"].startswith("https://"):
                return {}  # a model published outside the checkout: its facts are unknown here
            target, target_spec, key = self.specs.resolve(node["$ref"], spec)
            if key in seen:
                return {}  # a recursive structure: below the first level anything goes
            return self.schema(target, target_spec, direction, (*seen, key))
        # The specs' oneOf branches overlap (objects that require nothing match each other's
        # values), so "exactly one" fails on valid answers; "at least one" keeps the facts.
        out = {
            ("anyOf" if key == "oneOf" else key): self._keyword(key, value, spec, direction, seen)
            for key, value in node.items()
            if key in SCHEMA_FACTS
        }
        if isinstance(out.get("required"), list):
            out["required"] = sorted(set(out["required"]))
        else:
            out.pop("required", None)
        return _dialect(node, out)

    def _keyword(
        self, key: str, value: Any, spec: str, direction: str, seen: tuple[str, ...]
    ) -> Any:
        if key == "properties":
            return self._properties(value, spec, direction, seen)
        if key in ("items", "not") or (key == "additionalProperties" and isinstance(value, dict)):
            return self.schema(value, spec, direction, seen)
        if key in ("allOf", "anyOf", "oneOf"):
            return [self.schema(v, spec, direction, seen) for v in value]
        return value

    def _properties(
        self, props: dict[str, Any], spec: str, direction: str, seen: tuple[str, ...]
    ) -> dict[str, Any]:
        hidden = "readOnly" if direction == "request" else "writeOnly"
        kept: dict[str, Any] = {}
        for name, prop in props.items():
            resolved, _ = self.deref(prop, spec)
            if isinstance(resolved, dict) and resolved.get(hidden) is True:
                continue  # not part of this direction: sending it is refused
            kept[name] = self.schema(prop, spec, direction, seen)
        return kept

    def parameters(self, op: dict[str, Any], item: dict[str, Any], spec: str) -> dict[str, Any]:
        """Path, query and header parameters (the operation's override the path item's)."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*item.get("parameters", []), *op.get("parameters", [])]:
            param, pspec = self.deref(raw, spec)
            found[(param["in"], param["name"])] = {
                "required": bool(param.get("required", param["in"] == "path")),
                "schema": self.schema(param.get("schema", {}), pspec, "request"),
            }
        by_place: dict[str, Any] = {"path": {}, "query": {}, "header": {}}
        for (place, name), fact in found.items():
            if place in by_place:
                by_place[place][name] = fact
        return by_place

    def body(self, op: dict[str, Any], spec: str) -> dict[str, Any] | None:
        if "requestBody" not in op:
            return None
        body, bspec = self.deref(op["requestBody"], spec)
        content_type, media = _json_media(body.get("content", {}))
        return {
            "content_type": content_type,
            "required": bool(body.get("required", False)),
            "schema": self.schema(media.get("schema", {}), bspec, "request"),
        }

    def responses(self, op: dict[str, Any], spec: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for status, raw in op.get("responses", {}).items():
            response, rspec = self.deref(raw, spec)
            content = response.get("content") or {}
            if not content:
                out[str(status)] = {"content_type": None, "schema": None}
                continue
            content_type, media = _json_media(content)
            schema = media.get("schema")
            out[str(status)] = {
                "content_type": content_type,
                "schema": None if schema is None else self.schema(schema, rspec, "response"),
            }
        return out


def _dialect(node: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.0 keywords that differ from JSON Schema."""
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if out.get(bound) is True and limit in out:
            out[bound] = out.pop(limit)
        elif isinstance(out.get(bound), bool):
            del out[bound]
    if "required" in out and isinstance(node.get("properties"), dict):
        # A field hidden in this direction is not required in it either.
        hidden = set(node["properties"]) - set(out.get("properties", {}))
        out["required"] = [r for r in out["required"] if r not in hidden]
        if not out["required"]:
            del out["required"]
    if node.get("nullable") is True or node.get("x-nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if "type" not in out and "enum" not in out:
            return {"anyOf": [out, {"type": "null"}]}
    return out


def _json_media(content: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The JSON media type of a content map (the first one when none is JSON)."""
    for media_type in sorted(content):
        if "json" in media_type:
            return media_type, content[media_type] or {}
    first = sorted(content)[0]
    return first, content[first] or {}


def derive_operation(deriver: Deriver, operation: Operation) -> dict[str, Any]:
    spec = deriver.specs.load(operation.spec)
    host, prefix = SERVER_PREFIX[spec["servers"][0]["url"]]
    item = spec["paths"][operation.spec_path]
    op = item[operation.method.lower()]
    params = deriver.parameters(op, item, operation.spec)
    responses = deriver.responses(op, operation.spec)
    sort = params["query"].get("sort", {}).get("schema", {})
    if operation.spec in SORT_WITH_DIRECTION and "enum" in sort:
        fields = "|".join(sort.pop("enum"))
        sort["pattern"] = f"^({fields})(:(asc|desc))?$"
    if (operation.method, operation.spec_path) in EMPTY_COLLECTION_204:
        responses.setdefault("204", {"content_type": None, "schema": None})
    return {
        "host": host,
        "method": operation.method,
        "path": prefix + operation.spec_path,
        "source": f"reference/{operation.spec}",
        "path_params": {
            name: fact["schema"] for name, fact in params["path"].items() if name != "store_hash"
        },
        "query": params["query"],
        "headers": {
            name: fact
            for name, fact in params["header"].items()
            if name.lower() not in ("x-auth-token", "authorization")
        },
        "request": deriver.body(op, operation.spec),
        "responses": responses,
    }


def derive(docs: Path) -> dict[str, Any]:
    """The whole contract from a checkout of BigCommerce's docs."""
    deriver = Deriver(Specs(docs / "reference"))
    endpoints = [derive_operation(deriver, op) for op in OPERATIONS] + [OAUTH_TOKEN]
    by_key = {f"{e['method']} {e['path']}": e for e in endpoints}
    for key, status, pointer, keyword in RESPONSE_RELAXATIONS:
        node = by_key[key]["responses"][status]["schema"]
        for part in pointer.strip("/").split("/"):
            node = node[part]
        del node[keyword]
    return {
        "endpoints": by_key,
        "webhooks": WEBHOOKS,
        "common_errors": {
            "statuses": list(COMMON_STATUSES),
            "v2": V2_ERROR,
            "v3": V3_ERROR,
            "b2b": B2B_ERROR,
        },
    }


def render(contract: dict[str, Any]) -> str:
    """Stable text: sorted keys, so regenerating from the same docs gives no diff."""
    return json.dumps(contract, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
