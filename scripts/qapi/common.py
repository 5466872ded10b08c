# SPDX-License-Identifier: GPL-2.0-or-later
# Naming rules shared by every generator: C names, enum constants, 'if'
# conditions and a little C text builder.

import re

# Names that would clash with C, GNU C or the C library if used as is.
C_RESERVED = frozenset('''
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Bool _Complex _Imaginary _Alignas _Alignof _Atomic _Generic _Noreturn
    _Static_assert _Thread_local asm typeof bool true false
    unix errno mips sparc i386 linux
    and and_eq bitand bitor compl not not_eq or or_eq xor xor_eq
    class delete new private protected public template this throw try
    catch friend namespace operator virtual
'''.split())

_C_NAME_RE = re.compile(r'[^A-Za-z0-9_]')


def c_name(name, protect=True):
    """@name as a C identifier: '-' and '.' become '_'; names that would
    clash with C keywords or common macros get a 'q_' prefix."""
    name = _C_NAME_RE.sub('_', name)
    if protect and (name in C_RESERVED or name[0].isdigit()):
        return 'q_' + name
    return name


def camel_to_upper(value):
    """CamelCase type name to the UPPER_CASE prefix of its enum constants,
    by QEMU's current rule: a '_' goes where lower case turns to upper
    case, and before the last capital of a run of capitals that is
    followed by lower case (MigrationStatus -> MIGRATION_STATUS,
    ENUMName -> ENUM_NAME).  Schemas override odd results with 'prefix'."""
    out = [value[0]]
    for ch in value[1:]:
        prev = out[-1]
        if ch.isupper() and (prev.islower() or prev.isdigit()):
            out.append('_')
        elif ch.islower() and prev.isupper() and len(out) > 2 \
                and out[-2].isupper():
            # the last capital of a run like 'QAPIEvent' starts a word
            out.insert(len(out) - 1, '_')
        out.append(ch)
    return c_name(''.join(out).upper(), False).lstrip('_')


def c_enum_const(type_name, const_name, prefix=None):
    if prefix is None:
        prefix = camel_to_upper(type_name)
    return prefix + '_' + c_name(const_name, False).upper()


_IDENT = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')


class IfCond:
    """A parsed 'if': None, an identifier, or ('all'|'any', [IfCond...])
    or ('not', IfCond)."""

    def __init__(self, expr=None):
        self.expr = expr

    def is_present(self):
        return self.expr is not None

    def c_expr(self):
        return _cgen(self.expr, True)

    def docstr(self):
        return _docgen(self.expr)

    def __bool__(self):
        return self.expr is not None


def _cgen(e, top):
    if isinstance(e, str):
        return 'defined(%s)' % e
    op, arg = e
    if op == 'not':
        return '!' + _cgen(arg, False)
    sep = ' && ' if op == 'all' else ' || '
    text = sep.join(_cgen(a, False) for a in arg)
    if len(arg) == 1:
        return text
    return text if top else '(' + text + ')'


def _docgen(e):
    if isinstance(e, str):
        return e
    op, arg = e
    if op == 'not':
        return 'not ' + _docgen(arg)
    sep = ' and ' if op == 'all' else ' or '
    return '(' + sep.join(_docgen(a) for a in arg) + ')'


def gen_if(cond):
    if not cond:
        return ''
    return '#if %s\n' % cond.c_expr()


def gen_endif(cond):
    if not cond:
        return ''
    return '#endif /* %s */\n' % cond.c_expr()


def wrap_if(cond, text):
    if not cond or not text:
        return text
    return gen_if(cond) + text + gen_endif(cond)


def indent(text, n=4):
    pad = ' ' * n
    out = []
    for line in text.split('\n'):
        out.append(pad + line if line and not line.startswith('#') else line)
    return '\n'.join(out)


def is_ident(s):
    return bool(_IDENT.match(s))
