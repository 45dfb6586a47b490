"""pdb in a cell: an interrupt while it waits for a command quits the debugger, as in ipykernel.

pdb's own command loop catches KeyboardInterrupt, prints --KeyboardInterrupt-- and prompts again.
In a terminal the user can still type `q`; in a notebook an interrupt is the only way out, and the
cell (with every request queued behind it) would never end. As ipykernel's debugger does, the
interrupt ends debugging and the cell goes on without it (ipykernel's own suite pins this:
test_interrupt_during_pdb_set_trace). Patched when pdb is imported (breakpoint() imports it).
"""
import sys

from . import _import_hooks


def _cmdloop(self):
    try:
        self.allow_kbdint = True
        self.cmdloop()
        self.allow_kbdint = False
    except KeyboardInterrupt:
        self.message("--KeyboardInterrupt--\n\nKeyboardInterrupt: Interrupted by user")
        # Nothing stops here again: no frame is a stop, and tracing ends (pdb's `quit`, minus
        # the BdbQuit that would end the cell with an error).
        self.stop_here = lambda frame: False
        sys.settrace(None)


def _patch_pdb(module):
    module.Pdb._cmdloop = _cmdloop


def install():
    _import_hooks.when_imported("pdb", _patch_pdb)


def uninstall():
    _import_hooks.cancel("pdb")
