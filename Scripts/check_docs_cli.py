#!/usr/bin/env python3
"""Every `tongxinctl` command line in the docs parses (run by Scripts/test.sh after the build).

  Scripts/check_docs_cli.py BIN_DIR

Takes each line of a fenced code block in README.md and docs/*.md that runs `tongxinctl`
(or `.build/release/tongxinctl`), fills the placeholders (`u<county code>`, `<council-id>` and every `<…-id>`),
drops optional `[…]` parts and trailing `# comments`, and runs it with
TONGXINCTL_PARSE_ONLY=1: tongxinctl parses and validates the arguments and exits without
calling anything. A command line the code no longer accepts fails the tests.
"""
import pathlib
import re
import shlex
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
COMMAND = re.compile(r"^\s*(?:\.build/(?:release|debug)/)?tongxinctl\s+(.*)$")
PLACEHOLDERS = [
    ("u<county code>", "u330100000000"),
    ("<county code>", "330100000000"),
]
# `<council-id>`, `<item-id>`, `<seat-id>` …: an id an earlier command printed.
ID_PLACEHOLDER = re.compile(r"<[a-z][a-z-]*-id>")
EXAMPLE_ID = "4f6a2a7e-2b1c-4d8e-9f00-1234567890ab"


def command_lines(path):
    inside = False
    pending = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            inside = not inside
            continue
        if not inside:
            continue
        line = pending + line
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        match = COMMAND.match(line)
        if match:
            yield number, match.group(1)


def normalise(arguments):
    arguments = re.sub(r"\s+#\s.*$", "", arguments)
    for placeholder, value in PLACEHOLDERS:
        arguments = arguments.replace(placeholder, value)
    arguments = ID_PLACEHOLDER.sub(EXAMPLE_ID, arguments)
    arguments = re.sub(r"\[[^\]]*\]", "", arguments)
    return shlex.split(arguments)


def commands(argv):
    """The tongxinctl argument lists of one line: the first command's, and that of every
    `| tongxinctl …` after a pipe; `> file` redirections dropped."""
    segments = [[]]
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in (">", ">>", "2>", "<"):
            skip = True
        elif word == "|":
            segments.append([])
        else:
            segments[-1].append(word)
    found = [segments[0]]
    for segment in segments[1:]:
        if segment and re.fullmatch(r"(?:\.build/(?:release|debug)/)?tongxinctl", segment[0]):
            found.append(segment[1:])
    return found


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = pathlib.Path(sys.argv[1]) / "tongxinctl"
    problems = []
    checked = 0
    for path in [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md")):
        for number, arguments in command_lines(path):
            for argv in commands(normalise(arguments)):
                result = subprocess.run([str(binary)] + argv, capture_output=True, text=True,
                                        env={"TONGXINCTL_PARSE_ONLY": "1", "PATH": "/usr/bin:/bin"})
                checked += 1
                if result.returncode != 0:
                    output = (result.stderr or result.stdout).strip()
                    problems.append(f"{path.relative_to(ROOT)}:{number}: tongxinctl {' '.join(argv)}: "
                                    f"{output.splitlines()[0] if output else result.returncode}")
    for problem in problems:
        print("check_docs_cli: " + problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"docs: {checked} tongxinctl command lines parse")


if __name__ == "__main__":
    main()
