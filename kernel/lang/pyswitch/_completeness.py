"""is_complete requests: should a console run the code, or ask for another line?

Follows IPython's TransformerManager.check_complete for plain Python (no magics): the
compiler decides complete/incomplete/invalid, and like IPython an indented block that
ends the input stays incomplete until the input ends with a newline.
Deliberate differences: IPython syntax (`foo?`, `%magic`) is invalid here, as execute would
reject it; compile-time warnings (`x is 1`) do not make code invalid; and a syntax error
inside unclosed brackets (`def f(:`) is invalid rather than incomplete.
"""
from . import _stdlib


def is_complete(request):
    status, indent = check_complete(request.get("code", ""))
    reply = {"status": status}
    if status == "incomplete":
        reply["indent"] = " " * indent
    return reply


def check_complete(code):
    """(status, indent): indent is the width of the next line when status is incomplete."""
    codeop = _stdlib.module("codeop")
    warnings = _stdlib.module("warnings")
    trailing = code[len(code.rstrip()):]
    if len(trailing) == len(code):
        return "complete", 0
    ends_with_newline = "\n" in trailing
    source = code if ends_with_newline else code + "\n"
    lines = source.splitlines()
    try:
        with warnings.catch_warnings():
            # Compile-time warnings (invalid escapes, `is` with a literal) are not
            # incompleteness, and must not be printed on every keystroke.
            warnings.simplefilter("ignore")
            compiled = codeop.compile_command(source, "<input>", "exec")
    except (SyntaxError, OverflowError, ValueError, TypeError, MemoryError):
        if lines[-1].endswith("\\"):  # explicit line continuation
            return "incomplete", _indent_of(lines[-1])
        return "invalid", 0
    tokens = _tokens(source)
    if compiled is None:
        return "incomplete", _next_indent(tokens, lines)
    if not ends_with_newline and _ends_in_block(tokens):
        return "incomplete", _indent_of(lines[-1])
    return "complete", 0


def _tokens(source):
    """Tokens of source, as far as it tokenizes (an open bracket or string stops it)."""
    io = _stdlib.module("io")
    tokenize = _stdlib.module("tokenize")
    tokens = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            tokens.append(token)
    except (tokenize.TokenError, SyntaxError):
        pass
    return tokens


def _next_indent(tokens, lines):
    """One level deeper after a block opener (logical line ending in :), else as the last line."""
    tokenize = _stdlib.module("tokenize")
    skipped = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
               tokenize.DEDENT, tokenize.ENDMARKER)
    line_start = 0
    last = None
    new_line = True
    for token in tokens:
        if token.type == tokenize.NEWLINE:
            new_line = True
        elif token.type not in skipped:
            if new_line:
                line_start, new_line = token.start[1], False
            last = token
    unfinished = not tokens or tokens[-1].type != tokenize.ENDMARKER  # open bracket or string
    if last is not None and last.string == ":" and not unfinished:
        return line_start + 4
    return _indent_of(lines[-1])


def _ends_in_block(tokens):
    """True when the input's last statement sits in an indented block (DEDENTs close the input)."""
    tokenize = _stdlib.module("tokenize")
    return len(tokens) > 1 and tokens[-2].type == tokenize.DEDENT


def _indent_of(line):
    return len(line[:len(line) - len(line.lstrip(" \t"))].replace("\t", "    "))
