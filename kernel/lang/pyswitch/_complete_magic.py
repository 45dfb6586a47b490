"""Completion of %pyswitch lines in IPython mode: the subcommand, then paths after switch and list.

Paths keep the user's spelling (~, relative to the kernel's working directory); folders end in "/"
so the next <Tab> goes on inside them. Plain mode has no magics, and nothing here answers there.
"""
import os
import re
import sys

_SUBCOMMAND = re.compile(r"^\s*%pyswitch\s+(\w*)$")
_PATH = re.compile(r"^\s*%pyswitch\s+(?:switch|list)\s+(?:.*\s)?(\S*)$")
_MAX_MATCHES = 500  # a folder may hold many thousands of names


def from_magic_line(line, cursor):
    """Matches when the line is a %pyswitch magic in IPython mode; None otherwise."""
    # Loaded when IPython mode registered the magic, and only then (it imports IPython).
    magics = sys.modules.get(__package__ + "._magics")
    if magics is None or "%pyswitch" not in line:
        return None
    found = _SUBCOMMAND.match(line)
    if found is not None:
        word = found.group(1)
        return [(cursor - len(word), name, "keyword", "") for name in magics.SUBCOMMANDS
                if name.startswith(word)]
    found = _PATH.match(line)
    if found is not None:
        partial = found.group(1)
        return [(cursor - len(partial), text, "path", "") for text in paths(partial)]
    return None


def paths(partial):
    """Names that complete `partial`, as the user would go on typing them."""
    folder, prefix = os.path.split(partial)
    where = os.path.expanduser(folder) if folder else "."
    try:
        entries = sorted(os.scandir(where), key=lambda entry: entry.name)
    except OSError:
        return []
    found = []
    for entry in entries:
        if not entry.name.startswith(prefix) or (entry.name.startswith(".") and not prefix.startswith(".")):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        found.append(os.path.join(folder, entry.name) + ("/" if is_dir else ""))
        if len(found) == _MAX_MATCHES:
            break
    return found
