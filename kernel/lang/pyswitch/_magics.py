"""The %pyswitch line magic of IPython mode: the environment API at the prompt.

  %pyswitch [current]         the active environment: its kind, root and Python version
  %pyswitch list [ROOT ...]   environments found under the roots (default: ~ and .), compatible first
  %pyswitch switch PATH       switch right after this cell, as pyswitch.switch() (a refusal fails it)

Arguments are split as a shell would: quote a path with spaces.
"""
import shlex

from IPython.core.error import UsageError

from . import _environments

SUBCOMMANDS = ("current", "list", "switch")
USAGE = ("usage: %pyswitch [current] | %pyswitch list [ROOT ...] | %pyswitch switch PATH\n"
         "PATH: a venv or conda directory, an interpreter, a Python installation (/usr), or system")


def register(shell):
    shell.register_magic_function(pyswitch, "line", "pyswitch")


def pyswitch(line):
    """Show, list or switch the kernel's Python environment (see pyswitch.switch)."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise UsageError("%s\n%s" % (exc, USAGE))
    command, args = (words[0], words[1:]) if words else ("current", [])
    if command == "current" and not args:
        print(describe(_environments.current()))
    elif command == "list":
        print(table(_environments.discover(args or ("~", ".")), _environments.current()))
    elif command == "switch" and len(args) == 1:
        try:
            _environments.switch(args[0])
        except _environments.SwitchError as exc:
            # At the prompt a refusal reads as one line, as IPython shows a magic's UsageError
            # (IPython renders an exception through its _render_traceback_ when it has one).
            exc._render_traceback_ = lambda text="SwitchError: %s" % exc: [text]
            raise
    else:
        raise UsageError(USAGE)


def describe(env):
    return "%s %s (Python %s)" % (env["kind"], env["root"], env["version"])


def table(envs, active):
    """One row per environment, compatible ones first; * marks the active one."""
    if not envs:
        return "no environments found"
    kernel_minor = ".".join(active["version"].split(".")[:2])
    rows = [("", "KIND", "PYTHON", "ROOT")]
    for env in sorted(envs, key=lambda e: (not e["compatible"], e["root"])):
        note = "" if env["compatible"] else "  (incompatible: this kernel runs Python %s)" % kernel_minor
        rows.append(("*" if env["root"] == active["root"] else "", env["kind"], env["version"],
                     env["root"] + note))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3]
                     for row in rows)
