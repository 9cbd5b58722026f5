"""Deriving the contract from OpenAPI: refs resolved across files, prose dropped, dialect mapped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from devstack.bc_contract.generate import Deriver, Specs, derive_operation, render
from devstack.bc_contract.operations import Operation

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "servers": [{"url": "https://api.bigcommerce.com/stores/{store_hash}/v3"}],
    "paths": {
        "/widgets/{widget_id}": {
            "parameters": [
                {"name": "widget_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "put": {
                "summary": "Update a widget",
                "parameters": [{"$ref": "#/components/parameters/Accept"}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Widget"},
                            "example": {"name": "w"},
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "The widget",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "shared/errors.yml#/components/schemas/Envelope"}
                            }
                        },
                    },
                    "204": {"description": "Nothing"},
                },
            },
        }
    },
    "components": {
        "parameters": {
            "Accept": {
                "name": "Accept",
                "in": "header",
                "required": True,
                "description": "Media type",
                "schema": {"type": "string", "enum": ["application/json"]},
            }
        },
        "schemas": {
            "Widget": {
                "title": "Widget",
                "type": "object",
                "required": ["id", "name"],
                "x-internal": True,
                "properties": {
                    "id": {"type": "integer", "readOnly": True, "description": "Its id"},
                    "name": {"type": "string", "example": "w", "minLength": 1},
                    "colour": {"type": "string", "enum": ["red"], "nullable": True},
                    "weight": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
                    "parent": {"$ref": "#/components/schemas/Widget"},
                },
            }
        },
    },
}
SHARED: dict[str, Any] = {
    "components": {
        "schemas": {
            "Envelope": {
                "type": "object",
                "properties": {"data": {"$ref": "../widgets.yml#/components/schemas/Widget"}},
            }
        }
    }
}


def _derive(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "shared").mkdir(exist_ok=True)
    (tmp_path / "widgets.yml").write_text(yaml.safe_dump(SPEC))
    (tmp_path / "shared" / "errors.yml").write_text(yaml.safe_dump(SHARED))
    deriver = Deriver(Specs(tmp_path))
    return derive_operation(deriver, Operation("PUT", "widgets.yml", "/widgets/{widget_id}"))


def test_an_operation_keeps_its_parameters_body_and_statuses(tmp_path: Path) -> None:
    # Given / When an operation is derived
    op = _derive(tmp_path)
    # Then path, parameters and statuses are there as facts
    assert op["path"] == "/stores/{store_hash}/v3/widgets/{widget_id}"
    assert op["path_params"] == {"widget_id": {"type": "integer"}}
    assert op["headers"]["Accept"]["required"] is True
    assert op["request"]["required"] is True
    assert op["responses"]["204"] == {"content_type": None, "schema": None}


def test_a_read_only_field_is_left_out_of_the_request_and_not_required_there(
    tmp_path: Path,
) -> None:
    # Given / When the request body is derived
    body = _derive(tmp_path)["request"]["schema"]
    # Then `id` (readOnly) is neither a property nor required; `name` still is
    assert "id" not in body["properties"] and body["required"] == ["name"]


def test_a_ref_into_another_file_and_back_is_resolved_and_a_cycle_is_cut(tmp_path: Path) -> None:
    # Given / When the 200 answer (a ref into shared/errors.yml, which refs back) is derived
    answer = _derive(tmp_path)["responses"]["200"]["schema"]
    data = answer["properties"]["data"]
    # Then the widget is inlined with `id` (answers carry read-only fields), and its
    # reference to itself is left open instead of recursing
    assert data["required"] == ["id", "name"]
    assert data["properties"]["parent"] == {}


def test_prose_goes_and_the_openapi_dialect_becomes_json_schema(tmp_path: Path) -> None:
    # Given / When the request body is derived
    props = _derive(tmp_path)["request"]["schema"]["properties"]
    text = render({"op": _derive(tmp_path)})
    # Then nullable is a null type (and a null enum member), a boolean exclusive bound a number
    assert props["colour"] == {"type": ["string", "null"], "enum": ["red", None]}
    assert props["weight"] == {"type": "number", "exclusiveMinimum": 0}
    for prose in ('"title"', '"description"', '"example"', '"summary"', '"x-internal"'):
        assert prose not in text
