"""What the docs quote as the program's output is what it prints today.

A fenced block right after a line `<!-- output of: COMMAND -->` in a Markdown file of the
repository is a quote of COMMAND's output (stderr, then stdout). COMMAND starts with `marketsim`
(the program) or `marketsim_example_NAME` (an example program); it runs in a fresh folder that
sees the repository's scenarios/ and examples/ and has an empty out/ (as scripts/run.sh makes),
so relative paths read as in the docs and its files are written there. Every non-blank line of
the block must appear among the output's lines, in the same order: a quote may leave lines out
("design points 1 and 2 are left out here"), a line `...` stands for lines left out, a line
ending in ` ...` for the rest of a printed line, and a line starting with `$ ` shows the command. A
command that must fail is written `COMMAND (exit N)`: it must exit with N (else with 0).
Run times and speeds, thread counts, bytes per consumer and the time in scripts/run.sh's file
names are compared as 'N'.

When a change to the model moves its outputs, these tests fail on the quotes; the numbers the
docs give in prose and tables then need the same re-measuring (docs/changing-outputs.md lists
them).
"""

import difflib
import os
import pathlib
import re
import shlex
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^<!-- output of: (.+?) -->\s*$")
EXITS = re.compile(r"^(.+) \(exit (\d+)\)$")
VARYING = [
    (re.compile(r"\d+(\.\d+)? M consumer-steps/s"), "N M consumer-steps/s"),
    (re.compile(r"\d+ bytes per consumer"), "N bytes per consumer"),
    (re.compile(r"\b\d+ threads?\b"), "N threads"),
    (re.compile(r"\b\d+(\.\d+)? s\b"), "N s"),
    (re.compile(r"default-\d{8}-\d{6}\.h5"), "default-N.h5"),
]


def documents():
    """The Markdown files that may quote outputs: README.md and those under the folders users
    read (not build trees)."""
    found = [ROOT / "README.md"]
    for folder in ("docs", "scenarios", "examples", "analysis", "bench"):
        found += sorted((ROOT / folder).rglob("*.md"))
    return found


def quotes():
    """(document, line number of the marker, command, the block's lines) for every marker."""
    found = []
    for doc in documents():
        lines = doc.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines):
            match = MARKER.match(line)
            if not match:
                continue
            where = f"{doc.relative_to(ROOT)}:{n + 1}"
            if n + 1 >= len(lines) or lines[n + 1].strip() != "```":
                found.append((where, match.group(1), None))
                continue
            end = n + 2
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            found.append((where, match.group(1), lines[n + 2:end]))
    return found


def program(name):
    """The executable a quote's command names: the one ctest passes, else the release build's."""
    if name == "marketsim":
        path = os.environ.get("MARKETSIM_BINARY",
                              str(ROOT / "build" / "release" / "cli" / "marketsim"))
    elif name.startswith("marketsim_example_"):
        folder = os.environ.get("MARKETSIM_EXAMPLES_DIR",
                                str(ROOT / "build" / "release" / "examples"))
        path = os.path.join(folder, name)
    else:
        pytest.fail(f"the command names '{name}': a quote's command starts with marketsim or "
                    "marketsim_example_NAME")
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path} is not built (cmake --build --preset release)")
    return path


def normalised(line):
    line = line.rstrip()
    for pattern, replacement in VARYING:
        line = pattern.sub(replacement, line)
    return line


_outputs = {}


def output_of(command, tmp_path_factory):
    """The command's stderr and stdout lines, run once per command for the whole session."""
    if command not in _outputs:
        exits = EXITS.match(command)  # a quote of a failure: "COMMAND (exit 2)"
        expected = int(exits.group(2)) if exits else 0
        words = shlex.split(exits.group(1) if exits else command)
        words[0] = program(words[0])
        where = tmp_path_factory.mktemp("quoted")
        for folder in ("scenarios", "examples"):
            (where / folder).symlink_to(ROOT / folder, target_is_directory=True)
        (where / "out").mkdir()
        done = subprocess.run(words, cwd=where, capture_output=True, text=True, timeout=600)
        if done.returncode != expected:
            pytest.fail(f"'{command}' exited with {done.returncode}, not {expected}:\n"
                        f"{done.stderr}")
        _outputs[command] = done.stderr.splitlines() + done.stdout.splitlines()
    return _outputs[command]


QUOTES = quotes()


def test_the_docs_quote_some_outputs():
    """The markers are found (a renamed marker would leave every quote unchecked)."""
    assert len(QUOTES) >= 10


@pytest.mark.parametrize("where,command,block", QUOTES, ids=[q[0] for q in QUOTES])
def test_quote_is_what_the_program_prints(where, command, block, tmp_path_factory):
    assert block is not None, f"{where}: the marker is not followed by a ``` block"
    quoted = [normalised(line) for line in block
              if line.strip() and line.strip() != "..." and not line.startswith("$ ")]
    assert quoted, f"{where}: the quoted block is empty"
    printed = [normalised(line) for line in output_of(command, tmp_path_factory)]
    at = 0
    for line in quoted:
        prefix = line[:-len(" ...")] if line.endswith(" ...") else None
        found = next((k for k in range(at, len(printed))
                      if printed[k] == line or (prefix and printed[k].startswith(prefix))), None)
        if found is not None:
            at = found + 1
        else:
            near = difflib.get_close_matches(line, printed[at:], n=1, cutoff=0.5)
            pytest.fail(
                f"{where}: the docs quote\n    {line}\nwhich '{command}' no longer prints"
                + (f" (after the lines matched before it); nearest line printed:\n    {near[0]}"
                   if near else "")
                + "\nIf the model's outputs changed on purpose, re-measure what the docs quote "
                "and the figures docs/changing-outputs.md lists.")
