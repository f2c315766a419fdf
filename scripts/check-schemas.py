#!/usr/bin/python3
"""The JSON Schemas in schemas/ and the OpenAPI document's components cannot disagree (issue 18).

- components.schemas.Trunk and .Error in schemas/openapi.yaml equal schemas/trunk.schema.json and
  schemas/error.schema.json without their $schema and $id;
- every example of those files validates against its file (JSON Schema 2020-12).
Prints each disagreement and exits 1 on any. `--self-test` proves it notices a schema changed in
one place only and an example that does not validate.
"""
import copy
import json
import pathlib
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAIRS = {"Trunk": "trunk.schema.json", "Error": "error.schema.json"}


def differences(left, right, path=""):
    if type(left) is not type(right):
        return [f"{path or '/'}: {json.dumps(left)[:80]} | {json.dumps(right)[:80]}"]
    if isinstance(left, dict):
        found = []
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                found.append(f"{path}/{key}: only in {'the document' if key in left else 'the file'}")
            else:
                found += differences(left[key], right[key], f"{path}/{key}")
        return found
    if isinstance(left, list):
        if len(left) != len(right):
            return [f"{path}: {len(left)} items | {len(right)}"]
        return [d for i, (a, b) in enumerate(zip(left, right)) for d in differences(a, b, f"{path}/{i}")]
    return [] if left == right else [f"{path}: {json.dumps(left)[:80]} | {json.dumps(right)[:80]}"]


def problems(document, files):
    found = []
    for component, file_name in PAIRS.items():
        schema = files[file_name]
        standalone = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
        for difference in differences(document["components"]["schemas"][component], standalone):
            found.append(f"components.schemas.{component} vs schemas/{file_name}: {difference}")
        validator = jsonschema.Draft202012Validator(schema)
        for index, example in enumerate(schema.get("examples", [])):
            for error in validator.iter_errors(example):
                where = "/".join(str(p) for p in error.absolute_path)
                found.append(f"schemas/{file_name} examples[{index}] /{where}: {error.message}")
    return found


def load():
    document = yaml.safe_load((ROOT / "schemas/openapi.yaml").read_text())
    files = {name: json.loads((ROOT / "schemas" / name).read_text()) for name in PAIRS.values()}
    return document, files


def main():
    document, files = load()
    if sys.argv[1:] == ["--self-test"]:
        changed = copy.deepcopy(files)
        changed["trunk.schema.json"]["properties"]["name"]["maxLength"] += 1
        del changed["error.schema.json"]["examples"][0]["error"]["code"]
        found = problems(document, changed)
        wanted = ["/properties/name/maxLength", "error.schema.json examples[0]"]
        missing = [w for w in wanted if not any(w in p for p in found)]
        if missing:
            print("self-test: not noticed:", missing, found)
            return 1
        print("self-test: a schema changed in one place and an invalid example are noticed")
        return 0
    found = problems(document, files)
    for problem in found:
        print(problem)
    if not found:
        print("schemas: the OpenAPI components equal the JSON Schema files; their examples validate")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
