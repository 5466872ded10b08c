# SPDX-License-Identifier: GPL-2.0-or-later
# qapi-visit-MODULE.{c,h}: visit_type_FOO() for every type, the one walk
# that input, output, clone and dealloc visitors all use (contract in
# include/qapi/visitor.h).

from .common import c_name, indent
from .gen import CFile, wrap
from .schema import (AlternateType, ArrayType, EnumType, ObjectType,
                     special_features_c)


def visit_fn(typ):
    return 'visit_type_' + typ.c_name()


def gen_visit_decl(ent):
    name = ent.c_name()
    out = ''
    if isinstance(ent, ObjectType):
        out += 'bool visit_type_%s_members(Visitor *v, %s *obj, ' \
            'Error **errp);\n' % (name, name)
        if ent.is_implicit():
            return wrap(ent.ifcond, out) + '\n'
    if isinstance(ent, EnumType):
        out += 'bool visit_type_%s(Visitor *v, const char *name, %s *obj,' \
            '\n        Error **errp);\n' % (name, name)
    else:
        out += 'bool visit_type_%s(Visitor *v, const char *name, %s **obj,' \
            '\n        Error **errp);\n' % (name, name)
    return wrap(ent.ifcond, out) + '\n'


def gen_member_visit(m):
    name = m.c_name()
    present = ('&obj->has_%s' if m.need_has() else '&has_%s') % name
    code = 'if (!%s(v, "%s", &obj->%s, errp)) {\n    return false;\n}\n' \
        % (visit_fn(m.type), m.name, name)
    special = m.special_features()
    if special:
        flags = special_features_c(special)
        code = ('if (visit_policy_reject(v, "%s", %s, errp)) {\n'
                '    return false;\n}\n'
                'if (!visit_policy_skip(v, "%s", %s)) {\n%s}\n'
                % (m.name, flags, m.name, flags, indent(code)))
    if m.optional:
        code = 'if (visit_optional(v, "%s", %s)) {\n%s}\n' \
            % (m.name, present, indent(code))
    return wrap(m.ifcond, indent(code))


def gen_absent_branch(tag, v):
    """A branch compiled out while its tag value is not: input naming
    the value fails with an error rather than reaching abort()."""
    if not v.ifcond:
        return ''
    from .types import enum_const
    value = [m for m in tag.type.members if m.name == v.name][0]
    cond = '!(%s)' % v.ifcond.c_expr()
    if value.ifcond:
        cond += ' && (%s)' % value.ifcond.c_expr()
    return '#if %s\n    case %s:\n' \
        '        error_setg(errp, "\'%s\' value \'%s\' is not available ' \
        'in this build");\n        return false;\n#endif\n' \
        % (cond, enum_const(tag.type, v.name), tag.name, v.name)


def gen_members_def(obj):
    name = c_name(obj.name)
    out = 'bool visit_type_%s_members(Visitor *v, %s *obj, Error **errp)\n' \
        '{\n' % (name, name)
    locals_ = ''
    for m in obj.local_members:
        if m.optional and not m.need_has():
            locals_ += wrap(m.ifcond, '    bool has_%s = !!obj->%s;\n'
                            % (m.c_name(), m.c_name()))
    if locals_:
        out += locals_ + '\n'
    if obj.base is not None:
        out += '    if (!visit_type_%s_members(v, (%s *)obj, errp)) {\n' \
            '        return false;\n    }\n' % (obj.base.c_name(),
                                                obj.base.c_name())
    for m in obj.local_members:
        out += gen_member_visit(m)
    if obj.variants:
        tag = obj.tag_member
        out += '    switch (obj->%s) {\n' % tag.c_name()
        for v in obj.variants:
            from .types import enum_const
            case = '    case %s:\n' % enum_const(tag.type, v.name)
            if v.type.is_empty():
                case += '        break;\n'
            else:
                case += '        return visit_type_%s_members(v, ' \
                    '&obj->u.%s, errp);\n' % (v.type.c_name(),
                                              c_name(v.name))
            out += wrap(v.ifcond, case)
            out += gen_absent_branch(tag, v)
        out += '    default:\n        abort();\n    }\n'
    out += '    return true;\n}\n'
    return wrap(obj.ifcond, out) + '\n'


def gen_struct_visit_def(obj):
    out = '''bool visit_type_%(n)s(Visitor *v, const char *name, %(n)s **obj,
        Error **errp)
{
    bool ok = false;

    if (!visit_start_struct(v, name, (void **)obj, sizeof(%(n)s), errp)) {
        return false;
    }
    if (!*obj) {
        /* only the dealloc visitor meets a missing struct */
        assert(visit_is_dealloc(v));
        ok = true;
        goto out_obj;
    }
    if (!visit_type_%(n)s_members(v, *obj, errp)) {
        goto out_obj;
    }
    ok = visit_check_struct(v, errp);
out_obj:
    visit_end_struct(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_%(n)s(*obj);
        *obj = NULL;
    }
    return ok;
}
''' % {'n': c_name(obj.name)}
    return wrap(obj.ifcond, out) + '\n'


def gen_list_visit_def(arr):
    out = '''bool visit_type_%(n)s(Visitor *v, const char *name, %(n)s **obj,
        Error **errp)
{
    bool ok = false;
    %(n)s *tail;
    size_t size = sizeof(**obj);

    if (!visit_start_list(v, name, (GenericList **)obj, size, errp)) {
        return false;
    }
    for (tail = *obj; tail;
         tail = (%(n)s *)visit_next_list(v, (GenericList *)tail, size)) {
        if (!%(elem)s(v, NULL, &tail->value, errp)) {
            goto out_obj;
        }
    }
    ok = visit_check_list(v, errp);
out_obj:
    visit_end_list(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_%(n)s(*obj);
        *obj = NULL;
    }
    return ok;
}
''' % {'n': arr.c_name(), 'elem': visit_fn(arr.element)}
    return wrap(arr.ifcond, out) + '\n'


def gen_enum_visit_def(enum):
    out = '''bool visit_type_%(n)s(Visitor *v, const char *name, %(n)s *obj,
        Error **errp)
{
    int value = *obj;
    bool ok = visit_type_enum(v, name, &value, &%(n)s_lookup, errp);

    *obj = value;
    return ok;
}
''' % {'n': c_name(enum.name)}
    return wrap(enum.ifcond, out) + '\n'


def gen_alternate_visit_def(alt):
    name = c_name(alt.name)
    cases = ''
    for var in alt.variants:
        field = '&(*obj)->u.%s' % c_name(var.name)
        if isinstance(var.type, ObjectType):
            # a struct branch is embedded: visit its members in place
            code = '''        if (!visit_start_struct(v, name, NULL, 0, errp)) {
            break;
        }
        if (visit_type_%s_members(v, %s, errp)) {
            ok = visit_check_struct(v, errp);
        }
        visit_end_struct(v, NULL);
        break;
''' % (var.type.c_name(), field)
        else:
            code = '        ok = %s(v, name, %s, errp);\n        break;\n' \
                % (visit_fn(var.type), field)
        cases += wrap(var.ifcond, '    case %s:\n' % var.type.qtype() + code)
    out = '''bool visit_type_%(n)s(Visitor *v, const char *name, %(n)s **obj,
        Error **errp)
{
    bool ok = false;

    if (!visit_start_alternate(v, name, (GenericAlternate **)obj,
                               sizeof(**obj), errp)) {
        return false;
    }
    if (!*obj) {
        /* only the dealloc visitor meets a missing alternate */
        assert(visit_is_dealloc(v));
        ok = true;
        goto out_obj;
    }
    switch ((*obj)->type) {
%(cases)s    case QTYPE_NONE:
        abort();
    default:
        assert(visit_is_input(v));
        error_setg(errp, "Invalid parameter type for '%%s', expected: %(n)s",
                   name ? name : "null");
        /* *obj has no valid branch: don't let qapi_free_%(n)s() walk it */
        g_free(*obj);
        *obj = NULL;
    }
out_obj:
    visit_end_alternate(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_%(n)s(*obj);
        *obj = NULL;
    }
    return ok;
}
''' % {'n': name, 'cases': cases}
    return wrap(alt.ifcond, out) + '\n'


def gen_visit(gen):
    files = []
    for mod in gen.modules():
        base = gen.basename('qapi-visit', mod)
        h = CFile(base + '.h', 'QAPI visitors of module %s' % mod)
        c = CFile(base + '.c', 'QAPI visitors of module %s' % mod)
        if mod == 'builtin':
            h.add('#include "qapi/visitor.h"\n')
        else:
            for dep in gen.module_deps(mod):
                h.add(gen.include('qapi-visit', dep))
        h.add(gen.include('qapi-types', mod) + '\n')
        c.add('#include "qemu/osdep.h"\n#include "qapi/error.h"\n')
        c.add(gen.include('qapi-visit', mod) + '\n')
        for e in gen.entities(mod):
            if isinstance(e, ObjectType):
                if e.is_empty():
                    continue
                h.add(gen_visit_decl(e))
                c.add(gen_members_def(e))
                if not e.is_implicit():
                    c.add(gen_struct_visit_def(e))
            elif isinstance(e, ArrayType):
                h.add(gen_visit_decl(e))
                c.add(gen_list_visit_def(e))
            elif isinstance(e, EnumType):
                h.add(gen_visit_decl(e))
                c.add(gen_enum_visit_def(e))
            elif isinstance(e, AlternateType):
                h.add(gen_visit_decl(e))
                c.add(gen_alternate_visit_def(e))
        files += [h, c]
    return files
