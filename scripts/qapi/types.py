# SPDX-License-Identifier: GPL-2.0-or-later
# qapi-types-MODULE.{c,h}: the C types of the schema (enums with their
# lookup tables, structs, unions, alternates, lists) and qapi_free_FOO().

from .common import c_enum_const, c_name
from .gen import CFile, wrap
from .schema import AlternateType, ArrayType, EnumType, ObjectType


def enum_const(enum, value):
    return c_enum_const(enum.name, value, enum.prefix)


def gen_enum_decl(enum, builtin_qtype=False):
    name = c_name(enum.name)
    out = ''
    if not builtin_qtype:
        # QType itself is defined by qobject/qobject.h
        out += 'typedef enum %s {\n' % name
        for m in enum.members:
            out += wrap(m.ifcond, '    %s,\n' % enum_const(enum, m.name))
        out += '    %s,\n} %s;\n\n' % (enum_const(enum, '_MAX'), name)
    out += '#define %s_str(val) \\\n    qapi_enum_lookup(&%s_lookup, (val))\n\n' \
        % (name, name)
    out += 'extern const QEnumLookup %s_lookup;\n' % name
    return wrap(enum.ifcond, out) + '\n'


def gen_enum_lookup(enum, c_prefix=''):
    name = c_prefix + c_name(enum.name)
    out = 'const QEnumLookup %s_lookup = {\n' % name
    out += '    .array = (const char *const[]) {\n'
    for m in enum.members:
        out += wrap(m.ifcond, '        [%s] = "%s",\n'
                    % (enum_const(enum, m.name), m.name))
    out += '    },\n'
    special = [m for m in enum.members
               if any(f.is_special() for f in m.features)]
    if special:
        out += '    .special_features = (const unsigned char[%s]) {\n' \
            % enum_const(enum, '_MAX')
        for m in special:
            flags = ' | '.join('1u << QAPI_%s' % f.name.upper()
                               for f in m.features if f.is_special())
            out += wrap(m.ifcond, '        [%s] = %s,\n'
                        % (enum_const(enum, m.name), flags))
        out += '    },\n'
    out += '    .size = %s\n};\n' % enum_const(enum, '_MAX')
    return wrap(enum.ifcond, out) + '\n'


def gen_member_decls(members):
    out = ''
    for m in members:
        text = ''
        if m.need_has():
            text += '    bool has_%s;\n' % m.c_name()
        text += '    %s%s%s;\n' % (m.type.c_type(),
                                   '' if m.type.is_pointer() else ' ',
                                   m.c_name())
        out += wrap(m.ifcond, text)
    return out


def decl(c_type, name):
    sep = '' if c_type.endswith('*') else ' '
    return '%s%s%s' % (c_type, sep, name)


def gen_object_def(obj):
    name = c_name(obj.name)
    out = 'struct %s {\n' % name
    members = obj.members()
    if obj.base is not None and obj.base.members():
        out += '    /* from base %s */\n' % obj.base.name
        out += gen_member_decls(obj.base.members())
        if obj.local_members:
            out += '    /* own members */\n'
    out += gen_member_decls(obj.local_members)
    branches = [v for v in obj.variants if not v.type.is_empty()]
    if branches:
        out += '    union { /* selected by @%s */\n' % obj.tag_member.name
        for v in branches:
            out += wrap(v.ifcond, '        %s;\n' % decl(
                v.type.c_unboxed_type(), c_name(v.name)))
        out += '    } u;\n'
    if not members and not branches:
        out += '    char qapi_dummy_for_empty_struct;\n'
    out += '};\n'
    return wrap(obj.ifcond, out) + '\n'


def gen_alternate_def(alt):
    out = 'struct %s {\n    QType type;\n    union { /* selected by @type */\n' \
        % c_name(alt.name)
    for v in alt.variants:
        out += wrap(v.ifcond, '        %s;\n' % decl(
            v.type.c_unboxed_type(), c_name(v.name)))
    out += '    } u;\n};\n'
    return wrap(alt.ifcond, out) + '\n'


def gen_list_def(arr):
    name = arr.c_name()
    out = 'struct %s {\n    %s *next;\n    %s;\n};\n' % (
        name, name, decl(arr.element.c_type(), 'value'))
    return wrap(arr.ifcond, out) + '\n'


def embedded(ent):
    """Types @ent holds by value (must be complete before it)."""
    if isinstance(ent, ObjectType):
        return [v.type for v in ent.variants if not v.type.is_empty()]
    if isinstance(ent, AlternateType):
        return [v.type for v in ent.variants
                if isinstance(v.type, ObjectType)]
    return []


def order_definitions(ents):
    """Definition order, moved where needed so that embedded types come
    first."""
    done = set()
    out = []
    todo = set(id(e) for e in ents)

    def visit(e, stack):
        if id(e) in done or id(e) not in todo or id(e) in stack:
            return
        stack.add(id(e))
        for dep in embedded(e):
            visit(dep, stack)
        done.add(id(e))
        out.append(e)

    for e in ents:
        visit(e, set())
    return out


def is_generated_object(ent):
    return isinstance(ent, ObjectType) and not ent.is_empty()


def gen_free_decl(ent):
    name = ent.c_name()
    out = 'void qapi_free_%s(%s *obj);\n' % (name, name)
    out += 'G_DEFINE_AUTOPTR_CLEANUP_FUNC(%s, qapi_free_%s)\n' % (name, name)
    return wrap(ent.ifcond, out) + '\n'


def gen_free_def(ent):
    name = ent.c_name()
    out = '''void qapi_free_%(n)s(%(n)s *obj)
{
    Visitor *v;

    if (!obj) {
        return;
    }

    v = qapi_dealloc_visitor_new();
    visit_type_%(n)s(v, NULL, &obj, NULL);
    visit_free(v);
}
''' % {'n': name}
    return wrap(ent.ifcond, out) + '\n'


def gen_base_cast(obj):
    out = '''static inline %(b)s *qapi_%(n)s_base(const %(n)s *obj)
{
    return (%(b)s *)obj;
}
''' % {'n': c_name(obj.name), 'b': c_name(obj.base.name)}
    return wrap(obj.ifcond, out) + '\n'


def gen_types(gen):
    files = []
    for mod in gen.modules():
        builtin = mod == 'builtin'
        h = CFile(gen.basename('qapi-types', mod) + '.h',
                  'QAPI types of module %s' % mod)
        c = CFile(gen.basename('qapi-types', mod) + '.c',
                  'QAPI types of module %s' % mod)
        ents = [e for e in gen.entities(mod)
                if not (isinstance(e, ObjectType) and e.is_empty())
                and (isinstance(e, (EnumType, ObjectType, AlternateType,
                                    ArrayType)))]
        if builtin:
            h.add('#include "qapi/util.h"\n#include "qobject/qobject.h"\n\n')
        else:
            # 'if' conditions test CONFIG_* macros: every user of these
            # types must see the same ones, or layouts would differ
            h.add('#include "config-host.h"\n')
            for dep in gen.module_deps(mod):
                h.add(gen.include('qapi-types', dep))
            h.add('\n')
        c.add('#include "qemu/osdep.h"\n'
              '#include "qapi/dealloc-visitor.h"\n')
        c.add(gen.include('qapi-types', mod))
        c.add(gen.include('qapi-visit', mod))
        c.add('\n')

        for e in ents:
            if isinstance(e, (ObjectType, AlternateType, ArrayType)):
                name = e.c_name()
                h.add(wrap(e.ifcond, 'typedef struct %s %s;\n'
                           % (name, name)))
        h.add('\n')
        for e in ents:
            if isinstance(e, EnumType):
                h.add(gen_enum_decl(e, builtin and e.name == 'QType'))
                c.add(gen_enum_lookup(e))
        for e in order_definitions(ents):
            if isinstance(e, ObjectType):
                h.add(gen_object_def(e))
            elif isinstance(e, AlternateType):
                h.add(gen_alternate_def(e))
            elif isinstance(e, ArrayType):
                h.add(gen_list_def(e))
        for e in ents:
            if isinstance(e, ObjectType) and e.is_implicit():
                continue
            if isinstance(e, (ObjectType, AlternateType, ArrayType)):
                h.add(gen_free_decl(e))
                c.add(gen_free_def(e))
            if isinstance(e, ObjectType) and e.base is not None \
                    and not e.base.is_implicit():
                h.add(gen_base_cast(e))
        files += [h, c]
    return files
