"""Cut Buttondown's OpenAPI description down to the email endpoints the tests play.

Run it on a fresh copy of ``public/openapi.json`` from github.com/buttondown/docs to
update the vendored spec:

    python tests/data/trim_buttondown_openapi.py openapi.json > tests/data/buttondown-openapi.json

It keeps ``info`` (with its licence), ``servers``, every ``/emails`` path, the
component schemas those paths reach through ``$ref``, and the security schemes.
"""

from __future__ import annotations

import json
import sys
from typing import Any

PREFIX = "/emails"
SCHEMAS = "#/components/schemas/"


def trimmed(spec: dict[str, Any]) -> dict[str, Any]:
    paths = {path: item for path, item in spec["paths"].items() if path.startswith(PREFIX)}
    schemas = spec["components"]["schemas"]
    reached: set[str] = set()
    pending = [paths]
    while pending:
        for ref in _refs(pending.pop()):
            name = ref.removeprefix(SCHEMAS)
            if name not in reached:
                reached.add(name)
                pending.append(schemas[name])
    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": spec["servers"],
        "paths": paths,
        "components": {
            "schemas": {name: schemas[name] for name in sorted(reached)},
            "securitySchemes": spec["components"]["securitySchemes"],
        },
    }


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as source:
        print(json.dumps(trimmed(json.load(source)), indent=1, ensure_ascii=False))
