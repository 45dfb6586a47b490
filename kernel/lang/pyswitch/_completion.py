"""complete requests: which completer answers, and the reply.

Contexts the live objects settle exactly (attributes of names, dict keys, imports) are answered
from them: fast and right. The rest goes to jedi when the active interpreter has it (it reads the
cell's text: names bound before they run, expressions), else to the user's names.
Offsets (cursor_pos, cursor_start, cursor_end) count code points, as Python strings index.
"""
from . import _complete_jedi, _complete_runtime


def complete(request):
    code = request.get("code") or ""
    cursor = request.get("cursor_pos")
    cursor = len(code) if cursor is None else max(0, min(int(cursor), len(code)))
    before = code[:cursor]
    line = before[before.rfind("\n") + 1:]
    matches = _complete_runtime.from_live_objects(line, cursor)
    if matches is None and _complete_jedi.available():
        matches = _complete_jedi.complete(code, cursor)
    if matches is None:
        matches = _complete_runtime.names(line, cursor)
    return _reply(code, cursor, matches)


def _reply(code, cursor, matches):
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
