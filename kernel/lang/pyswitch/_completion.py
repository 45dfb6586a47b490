"""complete requests: which completer answers, and the reply.

A %pyswitch magic line (IPython mode) completes its subcommand and paths. Contexts the live
objects settle exactly (attributes of names, dict keys, imports) are answered from them: fast
and right. The rest goes to jedi when the active interpreter has it (it reads the cell's text:
names bound before they run, expressions), else to the user's names. IPython mode adds IPython's
own matchers there (_ipython_completion).
Offsets (cursor_pos, cursor_start, cursor_end) count code points, as Python strings index.
"""
from . import _complete_jedi, _complete_magic, _complete_runtime


def complete(request):
    code, cursor = code_and_cursor(request)
    return reply(code, cursor, candidates(code, cursor)[0])


def code_and_cursor(request):
    code = request.get("code") or ""
    cursor = request.get("cursor_pos")
    return code, len(code) if cursor is None else max(0, min(int(cursor), len(code)))


def candidates(code, cursor):
    """(matches, settled): settled when the live objects answered, and nothing else applies."""
    before = code[:cursor]
    line = before[before.rfind("\n") + 1:]
    matches = _complete_magic.from_magic_line(line, cursor)
    if matches is None:
        matches = _complete_runtime.from_live_objects(line, cursor)
    if matches is not None:
        return matches, True
    if _complete_jedi.available():
        matches = _complete_jedi.complete(code, cursor)
    if matches is None:
        matches = _complete_runtime.names(line, cursor)
    return matches, False


def reply(code, cursor, matches):
    """The complete_reply content of matches, (start, text, type, signature) each."""
    # Matches replacing different spans are widened to the earliest start, as IPython does.
    start = min([m[0] for m in matches] or [cursor])
    texts, types, seen = [], [], set()
    for match_start, text, kind, signature in matches:
        text = code[start:match_start] + text
        if text not in seen:
            seen.add(text)
            texts.append(text)
            types.append({"start": start, "end": cursor, "text": text, "type": kind,
                          "signature": signature})
    return {"status": "ok", "matches": texts, "cursor_start": start, "cursor_end": cursor,
            "metadata": {"_jupyter_types_experimental": types}}
