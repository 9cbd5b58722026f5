"""Read `template.yaml`, the one description of the stack, for the local stack and the tests."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = REPO_ROOT / "template.yaml"
LAMBDA_DEFAULT_TIMEOUT = 3
SQS_DEFAULT_VISIBILITY_TIMEOUT = 30
SQS_DEFAULT_RETENTION = 345_600

_FN_TAGS = (
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
)
_TABLE_INDEX_KEYS = ("IndexName", "KeySchema", "Projection")


class _TemplateLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation's short-form intrinsics (`!Ref`, `!GetAtt`, ...)."""


# CloudFormation reads unquoted dates such as 2012-10-17 as strings, not timestamps.
_TemplateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _intrinsic(key: str) -> Any:
    def construct(loader: _TemplateLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if key == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {key: value}

    return construct


_TemplateLoader.add_constructor("!Ref", _intrinsic("Ref"))
_TemplateLoader.add_constructor("!Condition", _intrinsic("Condition"))
for _name in _FN_TAGS:
    _TemplateLoader.add_constructor(f"!{_name}", _intrinsic(f"Fn::{_name}"))


@dataclass(frozen=True)
class EventSpec:
    """One entry of a function's `Events`."""

    name: str
    type: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class FunctionSpec:
    """A function as deployed: Globals merged in, intrinsic values left unresolved."""

    logical_id: str
    code_uri: str
    handler: str
    timeout: int
    environment: dict[str, Any]
    events: list[EventSpec]

    @property
    def handler_module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def handler_function(self) -> str:
        return self.handler.rsplit(".", 1)[1]

    def handler_file(self, root: Path = REPO_ROOT) -> Path:
        """The source file that defines the handler, e.g. functions/order_created/app.py."""
        return root / self.code_uri / f"{self.handler_module.replace('.', '/')}.py"


@dataclass(frozen=True)
class QueueSpec:
    """An SQS queue; `redrive` is (dead-letter queue logical id, maxReceiveCount)."""

    logical_id: str
    visibility_timeout: int
    message_retention: int
    redrive: tuple[str, int] | None


def load_template(path: Path | str = DEFAULT_PATH) -> dict[str, Any]:
    """Parse a SAM/CloudFormation YAML template; short-form tags become long-form dicts."""
    loader = _TemplateLoader(Path(path).read_text(encoding="utf-8"))
    try:
        return dict(loader.get_single_data())
    finally:
        loader.dispose()


def referenced_id(value: Any) -> str | None:
    """The logical id in `{"Ref": id}` or `{"Fn::GetAtt": [id, attr]}`, else None."""
    if isinstance(value, dict) and len(value) == 1:
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


def resources(tpl: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical id -> resource, for every resource of one type."""
    return {lid: res for lid, res in tpl["Resources"].items() if res["Type"] == resource_type}


def functions(tpl: dict[str, Any]) -> dict[str, FunctionSpec]:
    """Every `AWS::Serverless::Function`, by logical id."""
    defaults = tpl.get("Globals", {}).get("Function", {})
    specs = {}
    for lid, res in resources(tpl, "AWS::Serverless::Function").items():
        props = {**defaults, **res["Properties"]}
        environment = {
            **defaults.get("Environment", {}).get("Variables", {}),
            **res["Properties"].get("Environment", {}).get("Variables", {}),
        }
        events = [
            EventSpec(name, event["Type"], event.get("Properties", {}))
            for name, event in props.get("Events", {}).items()
        ]
        specs[lid] = FunctionSpec(
            logical_id=lid,
            code_uri=props["CodeUri"],
            handler=props["Handler"],
            timeout=int(props.get("Timeout", LAMBDA_DEFAULT_TIMEOUT)),
            environment=environment,
            events=events,
        )
    return specs


def table_create_kwargs(
    tpl: dict[str, Any],
    logical_id: str = "SubscriptionsTable",
    table_name: str = "bc-subscriptions",
) -> dict[str, Any]:
    """Arguments for `dynamodb.create_table` that build exactly the template's table."""
    props = tpl["Resources"][logical_id]["Properties"]
    kwargs: dict[str, Any] = {
        "TableName": table_name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    for section in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if section in props:
            kwargs[section] = [
                {key: index[key] for key in _TABLE_INDEX_KEYS} for index in props[section]
            ]
    if "StreamSpecification" in props:
        view_type = props["StreamSpecification"]["StreamViewType"]
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    return copy.deepcopy(kwargs)


def table_ttl_attribute(tpl: dict[str, Any], logical_id: str = "SubscriptionsTable") -> str | None:
    """The table's TTL attribute name, or None when TTL is not enabled."""
    ttl = tpl["Resources"][logical_id]["Properties"].get("TimeToLiveSpecification", {})
    return ttl.get("AttributeName") if ttl.get("Enabled") else None


def queues(tpl: dict[str, Any]) -> dict[str, QueueSpec]:
    """Every `AWS::SQS::Queue`, by logical id."""
    specs = {}
    for lid, res in resources(tpl, "AWS::SQS::Queue").items():
        props = res.get("Properties", {})
        policy = props.get("RedrivePolicy")
        redrive = None
        if policy:
            dlq = referenced_id(policy["deadLetterTargetArn"])
            if dlq is None:
                raise ValueError(f"{lid}: deadLetterTargetArn must reference a template queue")
            redrive = (dlq, int(policy["maxReceiveCount"]))
        specs[lid] = QueueSpec(
            logical_id=lid,
            visibility_timeout=int(props.get("VisibilityTimeout", SQS_DEFAULT_VISIBILITY_TIMEOUT)),
            message_retention=int(props.get("MessageRetentionPeriod", SQS_DEFAULT_RETENTION)),
            redrive=redrive,
        )
    return specs


def stream_filter_patterns(tpl: dict[str, Any], function_id: str) -> list[dict[str, Any]]:
    """The parsed filter `Pattern`s of a function's DynamoDB stream event sources."""
    return [
        json.loads(item["Pattern"])
        for event in functions(tpl)[function_id].events
        if event.type == "DynamoDB"
        for item in event.properties.get("FilterCriteria", {}).get("Filters", [])
    ]
