#!/usr/bin/env python3
"""Checks docs/operations.md's configuration reference against the code (run by Scripts/test.sh).

The variables the code reads are found in the sources: every string literal that is a
whole TONGXIN_* name in Sources/ and Services/ (ServiceConfiguration, the services' own
settings, tongxinctl, tongxin-bench), the per-service names EnvironmentReader builds
(`env.int("PORT", …)` is TONGXIN_<SERVICE>_PORT), and the ${TONGXIN_*:-default} and
${TONGXIN_*:?} reads of Scripts/*.sh and deploy/systemd's scripts. Every one must have a row in a table of docs/operations.md's "Configuration reference", every row must
name a variable that is read, and a numeric default given in the code
(`global("TONGXIN_X", default: 8, …)`) must be the default the row states.

Also: nothing in the repository's Markdown refers to files outside it (../shared/…).
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "operations.md"

LITERAL = re.compile(r'"(TONGXIN_[A-Z0-9_]+)"')
PREFIXED = re.compile(r'\benv\.(?:int|string)\("([A-Z0-9_]+)"')
DEFAULT = re.compile(r'\.global\("(TONGXIN_[A-Z0-9_]+)",\s*default:\s*([0-9_]+(?:\s*<<\s*[0-9]+)?)')
PREFIXED_DEFAULT = re.compile(r'\benv\.int\("([A-Z0-9_]+)",\s*default:\s*([0-9_]+)')
SCRIPT_READ = re.compile(r'\$\{(TONGXIN_[A-Z0-9_]+):[-?]')
ROW = re.compile(r'^\|\s*(`TONGXIN_[^|]*)\|([^|]*)\|')
NAME = re.compile(r'`(TONGXIN_[A-Z0-9_<>]+)`')


def code_variables():
    names = {}
    defaults = {}
    for path in sorted(list((ROOT / "Sources").rglob("*.swift")) + list((ROOT / "Services").rglob("*.swift"))):
        if "/Generated/" in str(path):
            continue
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for name in LITERAL.findall(text):
            names.setdefault(name, where)
        for suffix in PREFIXED.findall(text):
            names.setdefault(f"TONGXIN_<SERVICE>_{suffix}", where)
        for name, value in DEFAULT.findall(text):
            defaults[name] = eval(value.replace("_", ""))  # a literal or `a << b`
        for suffix, value in PREFIXED_DEFAULT.findall(text):
            defaults[f"TONGXIN_<SERVICE>_{suffix}"] = int(value.replace("_", ""))
    scripts = list((ROOT / "Scripts").glob("*.sh")) + [p for p in (ROOT / "deploy" / "systemd").glob("*") if p.suffix == ""]
    for path in sorted(scripts):
        for name in SCRIPT_READ.findall(path.read_text(encoding="utf-8")):
            names.setdefault(name, str(path.relative_to(ROOT)))
    return names, defaults


def documented_variables():
    rows = {}
    section = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line.strip() == "## Configuration reference"
        match = ROW.match(line) if section else None
        if not match:
            continue
        for name in NAME.findall(match.group(1)):
            rows[name] = match.group(2).strip()
    return rows


def first_number(cell):
    match = re.search(r"\d[\d,_]*", cell)
    return int(re.sub(r"[,_]", "", match.group(0))) if match else None


def main():
    problems = []
    if not DOC.exists():
        sys.exit(f"{DOC} is missing")
    names, defaults = code_variables()
    rows = documented_variables()
    for name, where in sorted(names.items()):
        if name not in rows:
            problems.append(f"{name} is read by {where} but has no row in docs/operations.md")
    for name in sorted(rows):
        if name not in names:
            problems.append(f"docs/operations.md documents {name}, which nothing reads")
    for name, value in sorted(defaults.items()):
        if name in rows and first_number(rows[name]) != value:
            problems.append(f"{name}: the code's default is {value}, docs/operations.md says {rows[name]!r}")
    for path in sorted(ROOT.rglob("*.md")):
        if ".build" in path.parts or ".tongxin" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "../shared" in line:
                problems.append(f"{path.relative_to(ROOT)}:{number} refers to a file outside the repository")
    for problem in problems:
        print("check_docs: " + problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"docs: {len(names)} configuration variables read by the code, each documented in docs/operations.md")


if __name__ == "__main__":
    main()
