"""BigCommerce's contract applied to the emulator: requests checked, answers recorded and checked.

Every request is matched to an endpoint of the committed contract and checked (path, query,
required headers, JSON body); one BigCommerce would refuse gets BigCommerce's status and error
shape. Every answer is checked against the response schema of its status. Each exchange goes
to `LOG`, shared by every emulator in the process, so a test session can insist that nothing
went off contract. Validators are compiled once per endpoint and schema.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema import Draft7Validator, ValidationError

from ..bc_contract import load_contract
from .known_deviations import tolerated


@dataclass(frozen=True)
class Exchange:
    """One request and its answer as the contract saw them."""

    method: str
    path: str
    endpoint: str | None  # "METHOD /template", None when the contract has no such endpoint
    status: int
    refused: tuple[str, ...]  # why the request is one BigCommerce would refuse
    tolerated: tuple[str, ...]  # refusals a known deviation lets through (known_deviations.py)
    answer_problems: tuple[str, ...]  # how the emulator's answer strays from the contract


class ContractLog:
    """Thread-safe list of exchanges; tests read it from a mark (`len`) onwards."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Exchange] = []

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            self._items.append(exchange)

    def since(self, mark: int) -> list[Exchange]:
        with self._lock:
            return list(self._items[mark:])

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


LOG = ContractLog()


@dataclass(frozen=True)
class Refusal:
    """What BigCommerce answers to a request that breaks the contract; with no `reasons` (only
    `tolerated` ones) the request is served."""

    status: int
    body: Any
    reasons: tuple[str, ...]
    tolerated: tuple[str, ...] = ()


class Endpoint:
    """One operation of the contract with its compiled validators."""

    def __init__(self, key: str, facts: dict[str, Any]) -> None:
        self.key, self.facts = key, facts
        self.path_params: dict[str, Any] = facts["path_params"]
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(facts["path"]))
        self.regex = re.compile(f"^{pattern}$")
        self.flavour = _flavour(facts["path"], facts["host"])
        self._validators: dict[str, Draft7Validator] = {}

    def _validator(self, name: str, schema: dict[str, Any]) -> Draft7Validator:
        """The compiled validator of one of this endpoint's schemas, compiled on first use."""
        found = self._validators.get(name)
        if found is None:
            found = self._validators[name] = Draft7Validator(schema)
        return found

    def match(self, method: str, path: str) -> bool:
        return method == self.facts["method"] and self.regex.match(path) is not None

    def check_request(
        self, path: str, args: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> tuple[list[str], list[str]]:
        """(reasons about the URL or headers, reasons about the body)."""
        url = self._check_path(path) + self._check_query(args) + self._check_headers(headers)
        return url, self._check_body(headers, body)

    def _check_path(self, path: str) -> list[str]:
        found = self.regex.match(path)
        assert found is not None  # matched before
        problems = []
        for name, schema in self.path_params.items():
            value = _coerce(found.group(name), schema)
            problems += [
                f"path {name}: {e}" for e in _errors(self._validator(f"path:{name}", schema), value)
            ]
        return problems

    def _check_query(self, args: dict[str, list[str]]) -> list[str]:
        known: dict[str, Any] = self.facts["query"]
        problems = [
            f"query {name}: not a parameter of this endpoint" for name in args if name not in known
        ]
        for name, fact in known.items():
            if name not in args:
                if fact["required"]:
                    problems.append(f"query {name}: required")
                continue
            schema = fact["schema"]
            for raw in args[name]:
                value = _coerce(raw, schema)
                problems += [
                    f"query {name}: {e}"
                    for e in _errors(self._validator(f"query:{name}", schema), value)
                ]
        return problems

    def _check_headers(self, headers: dict[str, str]) -> list[str]:
        problems = []
        lowered = {k.lower(): v for k, v in headers.items()}
        for name, fact in self.facts["headers"].items():
            value = lowered.get(name.lower())
            if value is None:
                if fact["required"]:
                    problems.append(f"header {name}: required")
                continue
            allowed = fact["schema"].get("enum")
            media = value.split(";")[0].strip()
            if allowed and media not in allowed:
                problems.append(f"header {name}: {media!r} is not one of {allowed}")
        return problems

    def _check_body(self, headers: dict[str, str], body: bytes) -> list[str]:
        spec = self.facts["request"]
        if spec is None:
            return ["body: this endpoint takes no request body"] if body.strip() else []
        if not body.strip():
            return ["body: required"] if spec["required"] else []
        content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
        if "json" in spec["content_type"] and "json" not in content_type:
            return [f"body: must be {spec['content_type']}, not {content_type or 'unlabelled'}"]
        try:
            value = json.loads(body)
        except ValueError:
            return ["body: not valid JSON"]
        problems = [f"body{e}" for e in _errors(self._validator("request", spec["schema"]), value)]
        if self.flavour == "v2":
            # v2 refuses a field it does not support instead of ignoring it.
            problems += [
                f"body{p}: not supported by this resource"
                for p in _unknown(spec["schema"], value, "")
            ]
        return problems

    def check_answer(self, status: int, content_type: str, body: bytes) -> list[str]:
        """How an answer strays from the response schema documented for its status."""
        responses: dict[str, Any] = self.facts["responses"]
        documented = responses.get(str(status))
        if documented is None and status >= 400:
            documented = responses.get("default")
        if documented is None:
            common = load_contract()["common_errors"]
            if str(status) not in common["statuses"] and not _is_refusal_status(
                status, self.flavour
            ):
                return [f"status {status} is not documented for this endpoint"]
            documented = {
                "content_type": "application/json",
                "schema": common[_error_shape(self.flavour)],
            }
        if not body.strip():
            has_schema = documented["schema"] not in (None, {})
            return (
                [f"status {status}: empty body where a JSON body is documented"]
                if has_schema and status != 204
                else []
            )
        if status == 204:
            return ["status 204 with a body"]
        if documented["schema"] is None:
            return []
        if "json" not in content_type:
            return [
                f"status {status}: answered {content_type}, documented {documented['content_type']}"
            ]
        try:
            value = json.loads(body)
        except ValueError:
            return [f"status {status}: body is not JSON"]
        validator = self._validator(f"response:{status}", documented["schema"])
        return [f"status {status} body{e}" for e in _errors(validator, value)]

    def refusal(self, url_reasons: list[str], body_reasons: list[str]) -> Refusal:
        """BigCommerce's answer: v2 a 400 error list; v3 a 422 (400 for the URL) error object.

        Without reasons left when every one is a known deviation (served, recorded as tolerated).
        """
        known = tuple(r for r in url_reasons + body_reasons if tolerated(self.key, r))
        url_reasons = [r for r in url_reasons if r not in known]
        body_reasons = [r for r in body_reasons if r not in known]
        if not (url_reasons or body_reasons):
            return Refusal(0, None, (), known)
        reasons = tuple(url_reasons + body_reasons)
        if self.flavour == "v2":
            return Refusal(400, [{"status": 400, "message": "; ".join(reasons)}], reasons, known)
        if self.flavour == "b2b":
            message = "; ".join(reasons)
            b2b = {"code": 400, "data": {"errMsg": message}, "meta": {"message": "Bad Request"}}
            return Refusal(400, b2b, reasons, known)
        documented = self.facts["responses"]
        status = 422 if body_reasons and not url_reasons and "422" in documented else 400
        errors: dict[str, str] = {}
        for reason in reasons:
            field, message = _field_of(reason)
            errors[field] = f"{errors[field]}; {message}" if field in errors else message
        title = "Input is invalid" if status == 422 else "The request is malformed"
        body = {
            "status": status,
            "title": title,
            "type": STATUS_DOCS,
            "detail": "; ".join(reasons),
            "errors": errors,
        }
        return Refusal(status, body, reasons, known)


STATUS_DOCS = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"
_REQUIRED = re.compile(r"^'([^']+)' is a required property$")


def _field_of(reason: str) -> tuple[str, str]:
    """The field a v3 error names, as BigCommerce keys `errors`: the body's own field path
    (a missing field named itself), without the `body` prefix."""
    where, _, message = reason.partition(": ")
    if missing := _REQUIRED.match(message):
        where = f"{where}.{missing.group(1)}"
    field = where.removeprefix("body").removeprefix(".")
    return field or where, message


def _is_refusal_status(status: int, flavour: str) -> bool:
    """The statuses the contract itself answers with (refusals, not-found paths)."""
    return status in ((400, 404) if flavour in ("v2", "b2b") else (400, 404, 422))


def _flavour(path: str, host: str) -> str:
    if "/v2/" in path:
        return "v2"
    if host == "b2b":
        return "b2b"
    return "v3" if host in ("api", "payments") else "login"


def _error_shape(flavour: str) -> str:
    return flavour if flavour in ("v2", "b2b") else "v3"


def _errors(validator: Draft7Validator, value: Any) -> list[str]:
    found = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    return [line for e in found[:5] for line in _describe(e)]


def _describe(error: ValidationError) -> list[str]:
    """The error at the field it concerns; for an anyOf/oneOf, the closest branch's errors."""
    if not error.context:
        return [f"{_where(error.absolute_path)}: {error.message}"]
    # The branch that came closest is the one with the fewest errors.
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    return [line for sub in min(branches.values(), key=len) for line in _describe(sub)]


def _where(path: Any) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _coerce(raw: str, schema: dict[str, Any]) -> Any:
    """A query or path string as the type its schema names (left as is when it is not one)."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "array" in kinds:
        return [_coerce(part, schema.get("items", {})) for part in raw.split(",")]
    if "integer" in kinds and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if "number" in kinds and re.fullmatch(r"-?\d+(\.\d+)?", raw):
        return float(raw)
    if "boolean" in kinds and raw in ("true", "false"):
        return raw == "true"
    return raw


def _unknown(schema: dict[str, Any], value: Any, where: str) -> list[str]:
    """Fields of `value` that no branch of `schema` names (objects that list properties only)."""
    if isinstance(value, list):
        items = [s.get("items", {}) for s in _branches(schema) if "items" in s]
        return [
            p
            for i, v in enumerate(value)
            for s in items[:1]
            for p in _unknown(s, v, f"{where}[{i}]")
        ]
    if not isinstance(value, dict):
        return []
    branches = _branches(schema)
    if not any("properties" in b for b in branches) or any(
        b.get("additionalProperties") not in (None, False) for b in branches
    ):
        return []
    props: dict[str, list[dict[str, Any]]] = {}
    for branch in branches:
        for name, sub in branch.get("properties", {}).items():
            props.setdefault(name, []).append(sub)
    problems = []
    for name, item in value.items():
        if name not in props:
            problems.append(f"{where}.{name}")
        else:
            problems += _unknown(props[name][0], item, f"{where}.{name}")
    return problems


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """`schema` and every allOf/anyOf/oneOf branch under it, flattened."""
    found = [schema]
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key, []):
            found += _branches(branch)
    return found


class Contract:
    """The committed contract's endpoints, matched by method and path."""

    def __init__(self) -> None:
        contract = load_contract()
        self.endpoints = [
            Endpoint(key, facts) for key, facts in sorted(contract["endpoints"].items())
        ]
        # A literal segment wins over a template (`/orders/count` before `/orders/{order_id}`).
        self.endpoints.sort(key=lambda e: e.facts["path"].count("{"))
        self.webhooks = {
            scope: Draft7Validator(schema) for scope, schema in contract["webhooks"].items()
        }

    def endpoint(self, method: str, path: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.match(method, path)), None)

    def webhook_problems(self, payload: dict[str, Any]) -> list[str]:
        """How a callback the emulator sends strays from the payload we accept."""
        validator = self.webhooks.get(str(payload.get("scope")))
        if validator is None:
            return [f"callback scope {payload.get('scope')!r} has no schema"]
        return [f"callback{e}" for e in _errors(validator, payload)]


def record_callback(body: bytes) -> None:
    """Log one callback the emulator sends, checked against the payloads we accept."""
    payload = json.loads(body)
    scope = str(payload.get("scope"))
    problems = contract().webhook_problems(payload)
    known = scope in contract().webhooks
    LOG.add(
        Exchange(
            method="CALLBACK",
            path=scope,
            endpoint=f"CALLBACK {scope}" if known else None,
            status=0,
            refused=(),
            tolerated=(),
            answer_problems=tuple(problems) if known else (),
        )
    )


@cache
def contract() -> Contract:
    """The process's one `Contract` (compiled lazily, shared by every emulator)."""
    return Contract()
