"""IPython's tracebacks highlight their source as before, without redoing at each one the work
whose result cannot have changed since the last.

Each traceback highlights its lines through stack_data with pygments, and made anew (about 7 of
the 11 ms an interrupted cell's traceback took, then 2 of the 4 left: docs/performance.md):
- the rules of a new Python lexer class: stack_data subclasses the lexer for each traceback, to
  mark the executing node, and adds no rules. pygments compiles a class's rules when it is first
  instantiated; a single-parent subclass that defines nothing that goes into them gets exactly
  its parent's, and is handed those.
- the escape codes of a 256-colour formatter (IPython makes one per traceback): a function of the
  formatter's options and its style's table (the `_styles` that pygments.style.StyleMeta derives
  and reads through style_for_token), so they are kept per those and copied into the next
  formatter with the same.
- the style class that marks the executing node (stack_data's style_with_executing_node, called
  by IPython per traceback): a function of the base style, the modifier and the base's `styles`
  table, which StyleMeta reads once, when the class is made. The class made for those is handed
  out again while the base's table is unchanged.
"""
import sys


# What a class defines that changes its compiled rules (pygments.lexer.RegexLexerMeta).
_RULE_ATTRIBUTES = ("tokens", "flags", "token_variants", "get_tokendefs", "process_tokendef",
                    "_process_state", "_process_regex", "_process_token", "_process_new_state")
_KEPT_STYLES = 8  # formatter set-ups (and executing-node styles) kept; IPython's tracebacks use one


def share_lexer_rules(lexer_module):
    """Make pygments.lexer's RegexLexer hand its rule-less subclasses their parent's rules.
    Nothing changes where RegexLexer is missing or already defines __init_subclass__."""
    regex_lexer = getattr(lexer_module, "RegexLexer", None)
    if not isinstance(regex_lexer, type) or "__init_subclass__" in vars(regex_lexer):
        return

    def __init_subclass__(cls, **kwargs):
        super(regex_lexer, cls).__init_subclass__(**kwargs)
        reuse_parent_rules(cls)

    regex_lexer.__init_subclass__ = classmethod(__init_subclass__)


def reuse_parent_rules(cls):
    if len(cls.__bases__) != 1 or any(name in vars(cls) for name in _RULE_ATTRIBUTES):
        return
    rules = vars(cls.__bases__[0]).get("_tokens")
    if rules is not None:  # the parent has compiled its rules already
        cls._tokens = rules


def keep_terminal256_styles(terminal256_module):
    """Make pygments' Terminal256Formatter set up its escape codes once per options and style
    table. Only that class itself (a subclass may compute colours otherwise), and only for a
    style that reads its table through StyleMeta's own style_for_token."""
    formatter_class = getattr(terminal256_module, "Terminal256Formatter", None)
    setup = vars(formatter_class).get("_setup_styles") if isinstance(formatter_class, type) else None
    style_meta = _style_meta()
    if setup is None or style_meta is None:
        return
    kept = {}  # (options, style table) -> (style_string, best_match) after setup

    def _setup_styles(self):
        style = getattr(self, "style", None)
        if (type(self) is not formatter_class or type(style) is not style_meta
                or any("style_for_token" in vars(cls) for cls in style.__mro__)):
            return setup(self)
        try:
            table = tuple((token, tuple(entry)) for token, entry in style._styles.items())
            key = (self.usebold, self.useunderline, self.useitalic, table)
            found = kept.get(key)
        except (AttributeError, TypeError):  # a table that cannot be a key: set up as usual
            return setup(self)
        if found is None:
            setup(self)
            if len(kept) >= _KEPT_STYLES:
                kept.pop(next(iter(kept)))
            kept[key] = (dict(self.style_string), dict(self.best_match))
        else:
            self.style_string.update(found[0])
            self.best_match.update(found[1])

    formatter_class._setup_styles = _setup_styles


def keep_executing_node_styles(stack_data_core):
    """Make stack_data's style_with_executing_node make its style class once per base style,
    modifier and base table. Patches stack_data.core, and the package's name for it when the
    package has bound it already (stack_data imported before IPython)."""
    original = getattr(stack_data_core, "style_with_executing_node", None)
    if not callable(original):
        return
    kept = {}  # (base style, modifier) -> (copy of the base's styles, the class made)

    def style_with_executing_node(style, modifier):
        if isinstance(style, str):  # as stack_data does, so that a name and its class share
            from pygments.styles import get_style_by_name
            style = get_style_by_name(style)
        try:
            key = (style, modifier)
            found = kept.get(key)
            if found is not None and found[0] == style.styles:
                return found[1]
            table = dict(style.styles)
        except (AttributeError, TypeError):  # unhashable, or no table: made as usual
            return original(style, modifier)
        made = original(style, modifier)
        if len(kept) >= _KEPT_STYLES:
            kept.pop(next(iter(kept)))
        kept[key] = (table, made)
        return made

    for name in ("__name__", "__qualname__", "__doc__", "__module__"):
        setattr(style_with_executing_node, name, getattr(original, name, None))
    style_with_executing_node.__wrapped__ = original
    stack_data_core.style_with_executing_node = style_with_executing_node
    package = sys.modules.get(stack_data_core.__name__.rpartition(".")[0])
    if package is not None and package.__dict__.get("style_with_executing_node") is original:
        package.style_with_executing_node = style_with_executing_node


def _style_meta():
    try:
        from pygments.style import StyleMeta
    except ImportError:
        return None
    return StyleMeta
