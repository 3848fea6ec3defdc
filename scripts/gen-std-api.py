#!/usr/bin/env python3
"""Writes src/stdapi.txt: the exported API of the Go standard library, as gonotes compiles it in
(src/stdapi.rs). Python 3, standard library only.

Usage:
  python3 scripts/gen-std-api.py [--goroot DIR] [--output FILE | --output -]

Reads $GOROOT/api/go1.txt, go1.1.txt, ... (GOROOT from `go env GOROOT` unless --goroot is given;
except.txt and next.txt are not read), where each line is one feature of one package:

  pkg sync, method (*Mutex) Lock()
  pkg time, func NewTimer(Duration) *Timer
  pkg net/http, type Response struct, Body io.ReadCloser
  pkg bufio, type ReadWriter struct, embedded *Reader
  pkg io, type Reader interface, Read([]uint8) (int, error)
  pkg os (linux-386), const O_SYNC = 1052672

and keeps, per package (full import path): funcs with their result types, types with their kind,
methods (pointer receiver or not) and interface methods with their result types, struct fields
with their types, vars with their types, and const names. Types stay as the API files write them.

Dropped: the syscall package, every package under internal/ or vendor/, golang.org/x/...; the
platform in `pkg os (linux-386)` (a feature listed for several platforms is kept once); the type
parameters of generic types and funcs (`type Pointer[$0 interface{}] struct` is `Pointer`,
kind `struct`); the method names of interface summaries (`interface { Close, Read }`: each
method has a line of its own); issue numbers at the end of a line (` #50860`).

A feature that changed between releases (os.Stat's result became fs.FileInfo, os.FileInfo became
an alias of fs.FileInfo) has a line in the file of each release that changed it: the newest file
wins, per package-level name and per (type, member name). A member that a later release no
longer lists under its type stays (os.PathError, now an alias of fs.PathError, keeps its fields).

Three std packages have no lines in the API files: runtime/race and time/tzdata export nothing,
and unsafe is built into the compiler; they are added, unsafe with the funcs and types its
documentation file ($GOROOT/src/unsafe/unsafe.go) declares.

Output: sorted, one line per feature (the legend is in the file's header).
"""

import argparse
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(REPO, "src", "stdapi.txt")

# Std packages the API files do not list (see the docstring).
UNLISTED_PACKAGES = ["runtime/race", "time/tzdata", "unsafe"]
# unsafe.go declares these for its documentation only; they are not part of the package.
UNSAFE_DOC_ONLY = {"ArbitraryType", "IntegerType"}

LINE = re.compile(r"^pkg ([^ ,]+)(?: \([^)]*\))?, (.*)$")
ISSUE = re.compile(r" #\d+$")
API_FILE = re.compile(r"^go1(?:\.(\d+))?\.txt$")


def dropped_package(path):
    parts = path.split("/")
    return (
        path == "syscall"
        or "internal" in parts
        or "vendor" in parts
        or path.startswith("golang.org/")
    )


def closing(text, start):
    """The index just past the bracket that closes the one at text[start]."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for i in range(start, len(text)):
        c = text[i]
        if c in pairs:
            stack.append(pairs[c])
        elif stack and c == stack[-1]:
            stack.pop()
            if not stack:
                return i + 1
    raise ValueError(f"unbalanced brackets: {text!r}")


def name_and_rest(text):
    """`Name[T any](x int) string` -> ("Name", "(x int) string"): the name without type params."""
    m = re.match(r"[A-Za-z_0-9]+", text)
    if not m:
        raise ValueError(f"no name: {text!r}")
    name, rest = m.group(0), text[m.end() :]
    if rest.startswith("["):
        rest = rest[closing(rest, 0) :]
    return name, rest


def signature_results(sig):
    """`(x int, y []string) (int, error)` -> "(int, error)"; no results -> ""."""
    if not sig.startswith("("):
        raise ValueError(f"no parameters: {sig!r}")
    return sig[closing(sig, 0) :].strip()


def embedded_name(ty):
    """The field name of an embedded field: `*Reader` -> Reader, `sync.Mutex` -> Mutex."""
    ty = ty.lstrip("*")
    ty = ty.split("[", 1)[0]
    return ty.rsplit(".", 1)[-1]


def parse_feature(feature):
    """One feature (the text after `pkg path, `) -> (key, line, shape).

    key: ("", name) for a package-level name, (type, name) for a member of a type.
    line: the table's line for it, without the leading space of type members.
    shape: for a field or an interface method, the shape (struct or interface) it shows its type
    has; None otherwise. Some types have no line of their own: go/ast's `Decl` is known only
    from its methods and `type Decl interface, unexported methods`.
    """
    kind, _, rest = feature.partition(" ")
    if kind == "const":
        name = rest.split(" ", 1)[0]
        return ("", name), f"C {name}", None
    if kind == "var":
        name, _, ty = rest.partition(" ")
        return ("", name), f"V {name} {ty}", None
    if kind == "func":
        name, sig = name_and_rest(rest)
        return ("", name), line("F", name, signature_results(sig)), None
    if kind == "method":
        recv_end = closing(rest, 0)
        recv = rest[1 : recv_end - 1]
        pointer = recv.startswith("*")
        type_name = recv.lstrip("*").split("[", 1)[0]
        name, sig = name_and_rest(rest[recv_end:].lstrip())
        return (type_name, name), line("p" if pointer else "m", name, signature_results(sig)), None
    if kind == "type":
        name, body = name_and_rest(rest)
        body = body.strip()
        for shape in ("struct", "interface"):
            if body == shape or body.startswith(shape + " {"):
                # `interface { Close, Read }` lists method names: each has a line of its own
                return ("", name), f"T {name} {shape}", None
            if body.startswith(shape + ", "):
                member = body[len(shape) + 2 :]
                if shape == "interface":
                    if member == "unexported methods":
                        return ("", name), f"T {name} {shape}", None
                    mname, sig = name_and_rest(member)
                    return (name, mname), line("i", mname, signature_results(sig)), shape
                if member.startswith("embedded "):
                    ty = member[len("embedded ") :]
                    return (name, embedded_name(ty)), f"e {ty}", shape
                fname, _, ty = member.partition(" ")
                return (name, fname), f"d {fname} {ty}", shape
        return ("", name), f"T {name} {body}", None
    raise ValueError(f"unknown feature: {feature!r}")


def line(code, name, tail):
    return f"{code} {name} {tail}" if tail else f"{code} {name}"


def api_files(goroot):
    api = os.path.join(goroot, "api")
    found = []
    for entry in os.listdir(api):
        m = API_FILE.match(entry)
        if m:
            found.append((int(m.group(1) or 0), os.path.join(api, entry)))
    if not found:
        sys.exit(f"gen-std-api: no go1*.txt files in {api}")
    return [path for _, path in sorted(found)]


def unsafe_features(goroot):
    """unsafe's funcs and types from its documentation file, as API-file features."""
    path = os.path.join(goroot, "src", "unsafe", "unsafe.go")
    features = []
    with open(path, encoding="utf-8") as f:
        for text in f:
            text = text.rstrip("\n")
            m = re.match(r"^type ([A-Z]\w*) (.+)$", text)
            if m and m.group(1) not in UNSAFE_DOC_ONLY:
                features.append(f"type {m.group(1)} {m.group(2)}")
            m = re.match(r"^func ([A-Z]\w*\(.*)$", text)
            if m:
                # drop parameter names: only the results are kept anyway
                features.append(f"func {m.group(1)}")
    return features


def go_version(goroot):
    path = os.path.join(goroot, "VERSION")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return f.readline().strip()
    out = subprocess.run(
        [os.path.join(goroot, "bin", "go"), "env", "GOVERSION"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def build(goroot):
    # (package, key) -> line; later files overwrite earlier ones.
    features = {}
    shapes = {}  # (package, type) -> the shape its members show
    packages = set()
    for path in api_files(goroot):
        seen_here = {}
        with open(path, encoding="utf-8") as f:
            for number, text in enumerate(f, 1):
                text = text.rstrip("\n")
                if not text or text.startswith("#"):
                    continue
                m = LINE.match(text)
                if not m:
                    sys.exit(f"gen-std-api: {path}:{number}: not a feature line: {text!r}")
                pkg, feature = m.group(1), ISSUE.sub("", m.group(2))
                if dropped_package(pkg):
                    continue
                packages.add(pkg)
                try:
                    key, out, shape = parse_feature(feature)
                except ValueError as e:
                    sys.exit(f"gen-std-api: {path}:{number}: {e}")
                if shape:
                    shapes[(pkg, key[0])] = shape
                # The same feature on several platforms must read the same (consts keep only names).
                prev = seen_here.get((pkg, key))
                if prev is not None and prev != out:
                    sys.exit(f"gen-std-api: {path}:{number}: {pkg} {key} differs by platform")
                seen_here[(pkg, key)] = out
                features[(pkg, key)] = out
    packages.update(UNLISTED_PACKAGES)
    for feature in unsafe_features(goroot):
        key, out, _ = parse_feature(feature)
        features[("unsafe", key)] = out
    for (pkg, type_name), shape in shapes.items():
        features.setdefault((pkg, ("", type_name)), f"T {type_name} {shape}")

    by_package = {pkg: ({}, {}) for pkg in packages}  # (top-level, type members)
    for (pkg, (type_name, name)), out in features.items():
        top, members = by_package[pkg]
        if type_name:
            members.setdefault(type_name, []).append((name, out))
        else:
            top[name] = out
    lines = []
    for pkg in sorted(by_package):
        top, members = by_package[pkg]
        for type_name in members:
            if not top.get(type_name, "").startswith("T "):
                sys.exit(f"gen-std-api: {pkg}: members of {type_name}, which is not a type")
        lines.append(f"package {pkg}")
        for name in sorted(top):
            lines.append(top[name])
            for _, out in sorted(members.get(name, [])):
                lines.append(" " + out)
    return lines


HEADER = """\
# The exported API of the Go standard library ({version}), for src/stdapi.rs.
# Generated from $(go env GOROOT)/api/go1*.txt by `python3 scripts/gen-std-api.py`; do not edit.
# Dropped: syscall, internal/..., vendor/..., golang.org/x/...; type parameters.
# "package PATH" opens a package; its names follow, sorted. Types are as the API files write them.
#   C Name          const
#   V Name Type     var
#   F Name Results  func ("", "*Timer", "(int, error)")
#   T Name Kind     type: struct, interface, its underlying type, or "= pkg.Name" (an alias)
# Lines below a type, indented by one space, are its members, sorted by name:
#    m Name Results  method, value receiver
#    p Name Results  method, pointer receiver
#    i Name Results  method of an interface
#    d Name Type     field
#    e Type          embedded field (its name: Type without "*" and qualifier)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--goroot", help="Go root (default: `go env GOROOT`)")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="file to write, or - for stdout")
    args = parser.parse_args()
    goroot = args.goroot
    if not goroot:
        goroot = subprocess.run(
            ["go", "env", "GOROOT"], capture_output=True, text=True, check=True
        ).stdout.strip()
    text = HEADER.format(version=go_version(goroot)) + "\n".join(build(goroot)) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(f"{args.output}: {len(text.encode())} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
