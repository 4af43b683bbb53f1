#!/usr/bin/python3
"""The JSON Schemas under schemas/ against what clawsim really reads.

1. Every plan, scenario, inventory and game day the project ships, and every complete one in the
   README, validates against its schema; so does a report clawsim writes.
2. Each object of a schema that allows no other field lists exactly the fields clawsim's parser
   accepts there: a document with an unknown field at that place is fed to clawsim, and the
   fields its error message lists ("expected one of: ...") must be the schema's properties.

Usage: check_schemas.py CLAWSIM SOURCE_DIR WORK_DIR. Prints "N passed, M failed".
"""
import glob
import json
import os
import re
import subprocess
import sys

import jsonschema
import yaml

class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2's booleans, as yaml-cpp and yaml-language-server read them: `on`, `yes` and
    `off` are strings (PyYAML's YAML 1.1 makes them booleans)."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [(tag, regexp) for tag, regexp in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                   list("tTfF"))


def load(text):
    return yaml.load(text, Loader=Yaml12Loader)


clawsim, root, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
schemas = {n: json.load(open(f"{root}/schemas/{n}.schema.json")) for n in
           ("plan", "scenario", "inventory", "gameday", "report", "change")}
passed, failed = 0, 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}: {detail}")


def validate(kind, doc, what):
    errors = sorted(jsonschema.Draft202012Validator(schemas[kind]).iter_errors(doc), key=lambda e: list(e.path))
    check(not errors, f"{what} against {kind}.schema.json",
          "; ".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:3]))


# 1. The shipped files.
files = {
    "plan": ["scenarios/default-plan.yaml", "scenarios/plans/*.yaml", "tests/live/testbed-plan.yaml",
             "tests/live/plans/*.yaml", "tests/e2e/plans/*.yaml"],
    "scenario": ["scenarios/*.yaml", "tests/live/drills/*.yaml"],
    "gameday": ["scenarios/gamedays/*.yaml"],
    "change": ["tests/e2e/changes/*.yaml"],
}
for kind, patterns in files.items():
    for pattern in patterns:
        for path in sorted(glob.glob(f"{root}/{pattern}")):
            if kind == "scenario" and path.endswith("default-plan.yaml"):
                continue
            validate(kind, load(open(path).read()), os.path.relpath(path, root))

# The README's complete examples (fragments, e.g. a waivers list alone, are left out).
readme = open(f"{root}/README.md").read()
for block in re.findall(r"```yaml\n(.*?)```", readme, re.S):
    try:
        doc = load(block)
    except yaml.YAMLError:
        continue
    if not isinstance(doc, dict):
        continue
    kind = ("gameday" if "drills" in doc else "inventory" if "known_hosts" in doc else
            "scenario" if "timeline" in doc or "expect" in doc else "plan" if "nodes" in doc else None)
    if kind:
        validate(kind, doc, f"README example ({kind}: {block.splitlines()[0][:40]})")

# A report clawsim writes.
out = subprocess.run([clawsim, "scenario", "leader-crash", "--seed", "3", "--json", "-"],
                     capture_output=True, text=True)
validate("report", json.loads(out.stdout), "clawsim scenario --json")

# 2. The schema's fields are the parser's.
PLAN = {"nodes": [{"name": "a", "address": "10.0.0.1", "role": "manager"}],
        "services": [{"name": "s", "image": "i", "restart": {}}], "nfs": {"server": "a"},
        "firewall": [{"on": ["a"], "run": ["ufw allow 22/tcp"]}], "ssh": {"port": 22},
        "waivers": [{"rule": "placement.single-node", "reason": "r"}],
        "objectives": [{"name": "o", "quorum": "held"}], "raft": {}, "dispatcher": {}, "world": {}}
SCENARIO = {"name": "x", "plan": {"raft": {}}, "timeline": [{"at": "1s", "do": "heal"}],
            "expect": [{"check": "quorum", "stays": "held"}]}
INVENTORY = {"known_hosts": "kh", "defaults": {"key": "k"}, "nodes": [{"name": "a", "host": "h", "commands": {}}]}
GAMEDAY = {"name": "g", "drills": ["leader-crash"], "window": {}, "notify": {"webhook": "http://127.0.0.1:9/x"},
           "limits": {}}


def at(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def schema_at(schema, path):
    node = schema
    for p in path:
        node = node["items"] if isinstance(p, int) else node["properties"][p]
    return node


def fields_clawsim_accepts(kind, base, path):
    doc = json.loads(json.dumps(base))
    at(doc, path)["zz_not_a_field"] = 1
    f = f"{work}/{kind}-{'-'.join(map(str, path)) or 'root'}.yaml"
    with open(f, "w") as out:
        yaml.safe_dump(doc, out)
    cmd = {"plan": [clawsim, "validate", "--static-only", "--plan", f],
           "scenario": [clawsim, "scenario", f, "--seed", "1"],
           "inventory": [clawsim, "live", "status", "--inventory", f],
           "gameday": [clawsim, "gameday", "history", f]}[kind]
    r = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(r"unknown field 'zz_not_a_field'; expected one of: (.*)$", r.stderr.strip())
    return set(m.group(1).split(", ")) if m else None, r.stderr.strip()


def each_closed_object(schema, path=()):
    if schema.get("type") == "object" and schema.get("additionalProperties") is False:
        yield path
    for name, sub in schema.get("properties", {}).items():
        if sub.get("type") == "object":
            yield from each_closed_object(sub, path + (name,))
        if sub.get("type") == "array" and isinstance(sub.get("items"), dict) and sub["items"].get("type") == "object":
            yield from each_closed_object(sub["items"], path + (name, 0))


for kind, base in [("plan", PLAN), ("scenario", SCENARIO), ("inventory", INVENTORY), ("gameday", GAMEDAY)]:
    for path in each_closed_object(schemas[kind]):
        try:
            at(base, path)
        except (KeyError, IndexError, TypeError):
            continue  # no place for it in the base document (e.g. a nested setting block)
        accepted, err = fields_clawsim_accepts(kind, base, path)
        declared = set(schema_at(schemas[kind], path)["properties"])
        where = f"{kind}.schema.json {'/'.join(map(str, path)) or '(top)'}"
        check(accepted == declared, f"{where}: the parser's fields",
              f"clawsim accepts {sorted(accepted) if accepted else err!r}, the schema declares {sorted(declared)}")

# A change's ops: each op's fields, as check-change's error lists them for an unknown one.
VALUES = {"node": "atlanta", "service": "openclaw", "image": "x", "address": "10.0.0.1:2377",
          "command": "ufw allow 22/tcp"}
for variant in schemas["change"]["items"]["oneOf"][1:]:
    op = variant["properties"]["op"]["const"]
    item = {"op": op, **{k: VALUES[k] for k in variant["required"] if k != "op"}, "zz_not_a_field": 1}
    f = f"{work}/change-{op}.yaml"
    with open(f, "w") as out:
        yaml.safe_dump([item], out)
    r = subprocess.run([clawsim, "check-change", f], capture_output=True, text=True)
    m = re.search(r"unknown field 'zz_not_a_field'; expected one of: (.*)$", r.stderr.strip())
    accepted = set(m.group(1).split(", ")) if m else None
    declared = set(variant["properties"])
    check(accepted == declared, f"change.schema.json op {op}: the parser's fields",
          f"clawsim accepts {sorted(accepted) if accepted else r.stderr.strip()!r}, the schema declares {sorted(declared)}")
with open(f"{work}/change-no-such-op.yaml", "w") as out:
    out.write("- {op: zz}\n")
r = subprocess.run([clawsim, "check-change", f"{work}/change-no-such-op.yaml"], capture_output=True, text=True)
m = re.search(r"expected one of: (.*)$", r.stderr.strip())
declared_ops = {v["properties"]["op"]["const"] for v in schemas["change"]["items"]["oneOf"][1:]}
check(m is not None and set(m.group(1).split(", ")) == declared_ops, "change.schema.json: the parser's ops",
      f"clawsim: {r.stderr.strip()!r}, the schema: {sorted(declared_ops)}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
