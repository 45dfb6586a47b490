"""inspect requests: which name the cursor is on, and what the user's namespace says about it."""
from . import _object_info, _stdlib
from ._namespace import MISSING, lookup

# Tokens that say nothing about what the cursor is on.
_LAYOUT = frozenset(("NEWLINE", "NL", "COMMENT", "INDENT", "DEDENT", "ENDMARKER"))


def inspect(request):
    code = request.get("code") or ""
    cursor = request.get("cursor_pos")
    cursor = len(code) if cursor is None else max(0, min(int(cursor), len(code)))
    detail = int(request.get("detail_level") or 0)
    for name in candidates_at(code, cursor):
        obj = lookup(name)
        if obj is not MISSING:
            return {"status": "ok", "found": True, "metadata": {},
                    "data": {"text/plain": _object_info.describe(obj, name, detail)}}
    return {"status": "ok", "found": False, "data": {}, "metadata": {}}


def candidates_at(code, cursor):
    """Dotted names to try, best first: the one the cursor is on or just after (`os.pa|th`
    gives os.path), the call whose parentheses hold the cursor (`os.path.join(a, |`), and the
    last name before the cursor (IPython's token_at_cursor falls back to that too)."""
    keyword = _stdlib.module("keyword")
    tokenize = _stdlib.module("tokenize")
    end = cursor
    while end < len(code) and (code[end].isalnum() or code[end] == "_"):
        end += 1  # the rest of the word under the cursor
    names, calls = [], []  # names: [dotted, end position]; calls: callee (or None) per open bracket
    last, on_name = None, False
    for token in _tokens(code[:end]):
        if tokenize.tok_name[token.type] in _LAYOUT:
            continue
        adjacent = last is not None and bool(names) and names[-1][1] == token.start
        on_name = token.type == tokenize.NAME and not keyword.iskeyword(token.string)
        if on_name:
            if adjacent and last.string == ".":
                names[-1] = [names[-1][0] + "." + token.string, token.end]
            else:
                names.append([token.string, token.end])
        elif token.type == tokenize.OP:
            if token.string == "." and adjacent:
                names[-1][1] = token.end
            elif token.string == "=" and names:
                names.pop()  # the left side of an assignment is not what is asked about
            elif token.string in "([{":
                calls.append(names[-1][0] if token.string == "(" and adjacent else None)
            elif token.string in ")]}" and calls:
                calls.pop()
        last = token
    found = [names[-1][0]] if on_name else []
    found += [call for call in reversed(calls) if call is not None][:1]
    found += [names[-1][0]] if names else []
    return [name for i, name in enumerate(found) if name not in found[:i]]


def _tokens(source):
    """Tokens of source as far as it tokenizes: an unfinished call or string ends it."""
    io = _stdlib.module("io")
    tokenize = _stdlib.module("tokenize")
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            yield token
    except (tokenize.TokenError, SyntaxError):
        return
