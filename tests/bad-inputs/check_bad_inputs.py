#!/usr/bin/python3
"""Runs clawsim on each hostile input of cases.tsv and checks what a person would see: the
exit code the table gives, and on standard error exactly one line of valid UTF-8 that names the
file and contains the expected words. A crash, a sanitizer report, an internal error (70) or a
run longer than the time limit fails the case.

usage: check_bad_inputs.py CLAWSIM [CASES_DIR]
"""
import os
import shlex
import subprocess
import sys
import tempfile

TIME_LIMIT_S = 120


def read_cases(path):
    """Rows of (line number, file, argv template, exit code, message fragment)."""
    cases = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 4:
                sys.exit(f"{path}:{number}: expected 4 tab-separated columns "
                         f"(file, command, exit code, message), got {len(cols)}")
            file, command, code, fragment = cols
            cases.append((number, file, shlex.split(command), int(code), fragment))
    return cases


def check(clawsim, case, cases_dir, scratch):
    """What is wrong with one case's run, or None."""
    _, file, template, want_code, fragment = case
    if not os.path.isfile(os.path.join(cases_dir, file)):
        return f"no input file {file}"
    argv = [clawsim] + [a.replace("{}", file).replace("{tmp}", scratch) for a in template]
    env = {k: v for k, v in os.environ.items() if k != "CLAWSIM_PLAN"}
    env["NO_COLOR"] = "1"
    try:
        run = subprocess.run(argv, cwd=cases_dir, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             timeout=TIME_LIMIT_S)
    except subprocess.TimeoutExpired:
        return f"still running after {TIME_LIMIT_S} s"
    err = run.stderr
    shown = err[:2000].decode("utf-8", "backslashreplace")
    if run.returncode < 0:
        return f"killed by signal {-run.returncode}; stderr: {shown}"
    if run.returncode != want_code:
        return f"exit {run.returncode}, expected {want_code}; stderr: {shown}"
    try:
        text = err.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"stderr is not UTF-8 ({e}): {shown}"
    if not text.endswith("\n") or text.count("\n") != 1:
        return f"stderr is not exactly one line: {shown}"
    if file not in text:
        return f"stderr does not name the file {file}: {shown}"
    if fragment not in text:
        return f"stderr lacks '{fragment}': {shown}"
    return None


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    clawsim = os.path.abspath(sys.argv[1])
    cases_dir = os.path.abspath(sys.argv[2] if len(sys.argv) == 3 else os.path.dirname(__file__))
    cases = read_cases(os.path.join(cases_dir, "cases.tsv"))
    listed = {c[1] for c in cases}
    failures = []
    for root, _, names in os.walk(cases_dir):
        for name in names:
            rel = os.path.relpath(os.path.join(root, name), cases_dir)
            if os.sep in rel and rel not in listed and "__pycache__" not in rel:
                failures.append(f"{rel}: an input that cases.tsv does not list")
    rejected = 0
    for case in cases:
        with tempfile.TemporaryDirectory() as scratch:
            problem = check(clawsim, case, cases_dir, scratch)
        status = "ok  " if problem is None else "FAIL"
        print(f"{status} {case[1]}")
        if problem:
            failures.append(f"cases.tsv:{case[0]}: {case[1]}: {problem}")
        else:
            rejected += 1
    for f in failures:
        print(f, file=sys.stderr)
    print(f"{rejected} of {len(cases)} bad inputs rejected as expected")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
