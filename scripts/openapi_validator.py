#!/usr/bin/python3
"""Checks HTTP responses against schemas/openapi.yaml (issue 18).

A response passes when the document describes it: its path and method are an operation, its status
is declared there (or a `default`), its Content-Type is a declared media type (none for a response
without content), its JSON body validates against that media type's schema (JSON Schema 2020-12,
`$ref`s resolved in the document), and the headers the response declares as required, or
declares among Location, ETag, Retry-After, WWW-Authenticate and Allow, are present.

  openapi_validator.py --serve [--record DIR]
        one JSON object per stdin line, {"method", "path", "status", "headers": {name: value},
        "body"}; one line back per object, {"problems": [...]} (empty: described); at EOF the
        counts on stderr (responses checked, (operation, status) pairs seen) and, with --record,
        the same in a new file in DIR
  openapi_validator.py --report DIR
        the counts of every --record file in DIR together, and the document's (operation,
        status) pairs no response exercised; fails when DIR holds no record
  openapi_validator.py --self-test
        each kind of undescribed response is refused
"""
import json
import os
import pathlib
import sys
import tempfile

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# Declared on a response, these must be sent.
ALWAYS_SENT = {"location", "etag", "retry-after", "www-authenticate", "allow"}


class ResponseValidator:
    def __init__(self, document):
        self.document = document
        self.resolver = jsonschema.RefResolver.from_schema(document)
        self.operations = []  # (segments, method, operation), literal paths first
        for path, item in document.get("paths", {}).items():
            for method in METHODS:
                if method in item:
                    self.operations.append((path.split("/"), method, item[method]))
        self.operations.sort(key=lambda op: sum(s.startswith("{") for s in op[0]))
        self.checked = 0
        self.seen = set()

    def declared_pairs(self):
        return {(op.get("operationId", path), status) for path, method, op in self._all()
                for status in op.get("responses", {})}

    def _all(self):
        return (("/".join(segments), method, op) for segments, method, op in self.operations)

    def operation(self, method, path):
        wanted = path.split("?", 1)[0].split("/")
        for segments, op_method, op in self.operations:
            if op_method != method.lower() or len(segments) != len(wanted):
                continue
            if all(s == w or (s.startswith("{") and w) for s, w in zip(segments, wanted)):
                return op
        return None

    def check(self, method, path, status, headers, body):
        self.checked += 1
        headers = {name.lower(): value for name, value in headers.items()}
        sent_type = parse_media_type(headers.get("content-type", ""))[0]
        if status == 400 and sent_type in ("", "text/plain") and not body.startswith("{"):
            # info.description, "Request handling" 0: bytes the HTTP library cannot parse as a
            # request get its own 400 (empty, or plain text naming what it refused), before any
            # route or operation.
            self.seen.add(("(no operation: the HTTP library's bare 400)", "400"))
            return []
        op = self.operation(method, path) or self.no_operation(method, path)
        if op is None:
            return [f"{method} {path}: no such operation in the document"]
        name = op.get("operationId", path)
        responses = op.get("responses", {})
        key = str(status)
        if key not in responses:
            key = f"{key[0]}XX" if f"{key[0]}XX" in responses else "default"
        if key not in responses:
            return [f"{name}: status {status} is not declared"]
        self.seen.add((name, key))
        response = self._resolve(responses[key])
        problems = []
        for header, spec in response.get("headers", {}).items():
            spec = self._resolve(spec)
            if (spec.get("required") or header.lower() in ALWAYS_SENT) and header.lower() not in headers:
                problems.append(f"{name} {status}: header {header} missing")
        content = response.get("content", {})
        sent_type = headers.get("content-type", "")
        if not content:
            if body:
                problems.append(f"{name} {status}: a body where the document declares none")
            return problems
        declared = next((d for d in content if media_type_matches(d, sent_type)), None)
        if declared is None:
            problems.append(f"{name} {status}: Content-Type {sent_type or '(none)'} is not one of "
                            f"{sorted(content)}")
            return problems
        media_type = parse_media_type(declared)[0]
        schema = content[declared].get("schema")
        if schema is None or not media_type.endswith("json"):
            return problems
        try:
            instance = json.loads(body)
        except ValueError:
            return problems + [f"{name} {status}: the body is not JSON"]
        validator = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
        for error in validator.iter_errors(instance):
            where = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{name} {status}: body /{where}: {error.message}")
        return problems

    def no_operation(self, method, path):
        """What the daemon answers where the document has no operation (info.description, "Request
        handling"): 404 on a path it lacks, 405 with Allow on a method a path lacks, and the
        limits that answer before routing."""
        known_path = any(self.operation(other, path) for other in METHODS)
        responses = {status: {"$ref": f"#/components/responses/{name}"}
                     for status, name in (("408", "RequestTimeout"), ("431", "HeadersTooLarge"),
                                          ("503", "ServiceUnavailable"))}
        if known_path:
            # As info.description says it (no operation exists to declare it on).
            responses["405"] = {
                "headers": {"Allow": {"required": True},
                            **{name: {"$ref": f"#/components/headers/{name}"}
                               for name in ("X-Request-Id", "Cache-Control",
                                            "X-Content-Type-Options")}},
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}}
        else:
            responses["404"] = {"$ref": "#/components/responses/NotFound"}
        return {"operationId": f"(no operation: {'405' if known_path else '404'})",
                "responses": responses}

    def _resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = self.resolver.resolve(node["$ref"])[1]
        return node


def parse_media_type(text):
    """("type/subtype", {parameter: value}), lower-cased but for the values."""
    kind, *parameters = text.split(";")
    pairs = (p.split("=", 1) for p in parameters if "=" in p)
    return kind.strip().lower(), {k.strip().lower(): v.strip().strip('"') for k, v in pairs}


def media_type_matches(declared, sent):
    """The same type, and every parameter the document names sent with its value (a charset the
    document does not name may be sent)."""
    declared_type, declared_parameters = parse_media_type(declared)
    sent_type, sent_parameters = parse_media_type(sent)
    return declared_type == sent_type and all(
        sent_parameters.get(k, "").lower() == v.lower() for k, v in declared_parameters.items())


def load_document(path=ROOT / "schemas/openapi.yaml"):
    return yaml.safe_load(pathlib.Path(path).read_text())


def counts_line(checked, seen, declared):
    return (f"openapi: {checked} responses validated; {len(seen & declared)} of {len(declared)} "
            f"(operation, status) pairs exercised")


def serve(validator, record_dir=None):
    for line in sys.stdin:
        if not line.strip():
            continue
        exchange = json.loads(line)
        problems = validator.check(exchange["method"], exchange["path"], exchange["status"],
                                   exchange.get("headers", {}), exchange.get("body", ""))
        print(json.dumps({"problems": problems}), flush=True)
    print(counts_line(validator.checked, validator.seen, validator.declared_pairs()),
          file=sys.stderr)
    if record_dir and validator.checked:
        os.makedirs(record_dir, exist_ok=True)
        record = {"checked": validator.checked, "seen": sorted(validator.seen)}
        with tempfile.NamedTemporaryFile("w", dir=record_dir, suffix=".json", delete=False) as f:
            json.dump(record, f)
    return 0


def report(validator, record_dir):
    """The whole run's figures: one record per test process (ctest runs each suite apart)."""
    checked, seen = 0, set()
    records = sorted(pathlib.Path(record_dir).glob("*.json")) if os.path.isdir(record_dir) else []
    for path in records:
        record = json.loads(path.read_text())
        checked += record["checked"]
        seen |= {tuple(pair) for pair in record["seen"]}
    if not records:
        print(f"no response records in {record_dir}: were the suites run?", file=sys.stderr)
        return 1
    declared = validator.declared_pairs()
    print(f"{counts_line(checked, seen, declared)}, over {len(records)} test processes")
    # The pseudo-operations of no_operation(): 404 and 405 where the document has no operation.
    for operation, status in sorted(seen - declared):
        print(f"  also exercised: {operation} {status}")
    print("not exercised by any test:")
    for operation, status in sorted(declared - seen):
        print(f"  {operation} {status}")
    return 0


def self_test(validator):
    trunk = {"error": {"code": "not_found", "message": "no such trunk"}}
    sent_always = {"X-Request-Id": "req_1", "Cache-Control": "no-store",
                   "X-Content-Type-Options": "nosniff"}
    json_type = {**sent_always, "Content-Type": "application/json; charset=utf-8"}
    cases = [
        # (what, method, path, status, headers, body, a problem must contain; None: none)
        ("a described 404", "GET", "/v1/trunks/trunk_x", 404, json_type, json.dumps(trunk), None),
        ("an extra member where the schema is closed", "GET", "/v1/trunks/trunk_x", 404, json_type,
         json.dumps({"error": {**trunk["error"], "hint": "x"}}), "Additional properties"),
        ("a missing required header", "GET", "/v1/trunks", 401, json_type,
         json.dumps({"error": {"code": "unauthorized", "message": "key needed"}}),
         "header WWW-Authenticate missing"),
        ("a wrong Content-Type", "GET", "/v1/trunks/trunk_x", 404,
         {**sent_always, "Content-Type": "text/plain"}, "no such trunk", "Content-Type text/plain"),
        ("a declared parameter missing", "GET", "/metrics", 200,
         {**sent_always, "Content-Type": "text/plain; charset=utf-8"}, "", "is not one of"),
        ("an undeclared status", "GET", "/v1/trunks/trunk_x", 418, json_type,
         json.dumps(trunk), "status 418 is not declared"),
        ("the HTTP library's bare 400, whatever the request", "G\x01T", "/v1/trunks", 400, {}, "",
         None),
        ("the HTTP library's plain-text 400", "GE", "T", 400,
         {"Content-Type": "text/plain; charset=utf-8"}, "provided uri is invalid: T /v1/trunks",
         None),
        ("a JSON 400 where the operation declares none", "GET", "/v1/trunks/trunk_x", 400,
         json_type, json.dumps({"error": {"code": "bad_request", "message": "x"}}),
         "status 400 is not declared"),
        ("a method a path lacks, answered 200", "PUT", "/v1/trunks", 200, json_type, "{}",
         "status 200 is not declared"),
        ("a method a path lacks, 405 without Allow", "PUT", "/v1/trunks", 405, json_type,
         json.dumps({"error": {"code": "method_not_allowed", "message": "PUT is not allowed"}}),
         "header Allow missing"),
    ]
    failed = 0
    for what, method, path, status, headers, body, expected in cases:
        problems = validator.check(method, path, status, headers, body)
        ok = not problems if expected is None else any(expected in p for p in problems)
        print(f"{'ok' if ok else 'FAILED'}: {what}: {problems}")
        failed += not ok
    return 1 if failed else 0


def main():
    validator = ResponseValidator(load_document())
    arguments = sys.argv[1:]
    if arguments == ["--serve"] or (arguments[:2] == ["--serve", "--record"] and len(arguments) == 3):
        return serve(validator, arguments[2] if len(arguments) == 3 else None)
    if arguments[:1] == ["--report"] and len(arguments) == 2:
        return report(validator, arguments[1])
    if sys.argv[1:] == ["--self-test"]:
        return self_test(validator)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
