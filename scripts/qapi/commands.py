# SPDX-License-Identifier: GPL-2.0-or-later
# qapi-commands-MODULE.{c,h}: the qmp_FOO() prototypes that the VMM
# implements and the qmp_marshal_FOO() functions that unpack a QMP
# request's arguments, call them and pack the result; and
# qapi-init-commands.{c,h} with qmp_init_marshal(), the registration of
# every command.

from .common import c_name
from .gen import CFile, c_params, cond_any, wrap
from .schema import special_features_c


def arg_params(arg_type, boxed):
    """(text, IfCond) parameters of qmp_FOO() / qapi_event_send_FOO()."""
    if arg_type is None:
        return []
    if boxed:
        return [('%s *arg' % arg_type.c_name(), None)]
    out = []
    for m in arg_type.members():
        text = ''
        if m.need_has():
            text = 'bool has_%s, ' % m.c_name()
        ctype = m.type.c_param_type()
        text += ctype + ('' if ctype.endswith('*') else ' ') + m.c_name()
        out.append((text, m.ifcond))
    return out


def arg_values(arg_type, boxed, holder):
    """The arguments passed from the unpacked struct @holder."""
    if arg_type is None:
        return []
    if boxed:
        return [('&' + holder, None)]
    out = []
    for m in arg_type.members():
        text = ''
        if m.need_has():
            text = '%s.has_%s, ' % (holder, m.c_name())
        text += '%s.%s' % (holder, m.c_name())
        out.append((text, m.ifcond))
    return out


def ret_c_type(cmd):
    return cmd.ret_type.c_type() if cmd.ret_type else 'void'


def cmd_proto(cmd):
    rtype = ret_c_type(cmd)
    head = rtype + ('' if rtype.endswith('*') else ' ') + \
        'qmp_' + c_name(cmd.name)
    params = arg_params(cmd.arg_type, cmd.boxed) + [('Error **errp', None)]
    return c_params(head, params)


def marshal_proto(cmd):
    return 'void qmp_marshal_%s(QDict *args, QObject **ret, Error **errp)' \
        % c_name(cmd.name)


def gen_output_helper(typ, cond):
    out = '''static void qmp_marshal_output_%(n)s(%(t)sret_in,
                                QObject **ret_out, Error **errp)
{
    Visitor *v;

    v = qobject_output_visitor_new_qmp(ret_out);
    if (visit_type_%(n)s(v, "unused", &ret_in, errp)) {
        visit_complete(v, ret_out);
    }
    visit_free(v);
    v = qapi_dealloc_visitor_new();
    visit_type_%(n)s(v, "unused", &ret_in, NULL);
    visit_free(v);
}
''' % {'n': typ.c_name(), 't': typ.c_type() +
       ('' if typ.c_type().endswith('*') else ' ')}
    return wrap(cond, out) + '\n'


def gen_marshal(cmd):
    name = c_name(cmd.name)
    arg = cmd.arg_type
    decls = '    Visitor *v;\n'
    if arg is not None:
        decls = '    bool ok = false;\n' + decls
        decls += '    %s arg = {0};\n' % arg.c_name()
    if cmd.ret_type is not None:
        rtype = cmd.ret_type.c_type()
        decls += '    %sretval;\n' % (rtype + ('' if rtype.endswith('*')
                                               else ' '))
    out = marshal_proto(cmd) + '\n{\n    Error *err = NULL;\n' + decls
    out += '\n    v = qobject_input_visitor_new_qmp(QOBJECT(args));\n'
    if arg is None:
        # no arguments: still reject any that were given
        out += '''    if (!visit_start_struct(v, NULL, NULL, 0, errp)) {
        goto out;
    }
    if (!visit_check_struct(v, errp)) {
        visit_end_struct(v, NULL);
        goto out;
    }
    visit_end_struct(v, NULL);
'''
    else:
        out += '''    if (!visit_start_struct(v, NULL, NULL, 0, errp)) {
        goto out;
    }
    if (visit_type_%s_members(v, &arg, errp)) {
        ok = visit_check_struct(v, errp);
    }
    visit_end_struct(v, NULL);
    if (!ok) {
        goto out;
    }
''' % arg.c_name()
    lead = '    retval = ' if cmd.ret_type is not None else '    '
    call = c_params('qmp_' + name, arg_values(arg, cmd.boxed, 'arg')
                    + [('&err', None)], len(lead))
    out += '\n' + lead + '\n'.join(
        line if i == 0 or line.startswith('#') else ' ' * len(lead) + line
        for i, line in enumerate(call.split('\n'))) + ';\n'
    out += '''    if (err) {
        error_propagate(errp, err);
        goto out;
    }
'''
    if cmd.ret_type is not None:
        out += '\n    qmp_marshal_output_%s(retval, ret, errp);\n' \
            % cmd.ret_type.c_name()
    out += '\nout:\n    visit_free(v);\n'
    if arg is not None:
        out += '''    v = qapi_dealloc_visitor_new();
    visit_start_struct(v, NULL, NULL, 0, NULL);
    visit_type_%s_members(v, &arg, NULL);
    visit_end_struct(v, NULL);
    visit_free(v);
''' % arg.c_name()
    out += '}\n'
    return wrap(cmd.ifcond, out) + '\n'


def command_options(cmd):
    opts = []
    if not cmd.success_response:
        opts.append('QCO_NO_SUCCESS_RESP')
    if cmd.allow_oob:
        opts.append('QCO_ALLOW_OOB')
    if cmd.allow_preconfig:
        opts.append('QCO_ALLOW_PRECONFIG')
    if cmd.coroutine:
        opts.append('QCO_COROUTINE')
    return ' | '.join(opts) if opts else 'QCO_NO_OPTIONS'


def gen_commands(gen):
    from .schema import Command
    files = []
    all_cmds = []
    for mod in gen.schema.user_modules():
        base = gen.basename('qapi-commands', mod)
        h = CFile(base + '.h', 'QAPI commands of module %s' % mod)
        c = CFile(base + '.c', 'QAPI command marshallers of module %s'
                  % mod)
        h.add('#include "qapi/qmp/dispatch.h"\n')
        for dep in gen.module_deps(mod):
            if dep != 'builtin':
                h.add(gen.include('qapi-commands', dep))
        h.add(gen.include('qapi-types', mod) + '\n')
        c.add('#include "qemu/osdep.h"\n'
              '#include "qapi/error.h"\n'
              '#include "qapi/visitor.h"\n'
              '#include "qobject/qdict.h"\n'
              '#include "qapi/dealloc-visitor.h"\n'
              '#include "qapi/qobject-input-visitor.h"\n'
              '#include "qapi/qobject-output-visitor.h"\n')
        c.add(gen.include('qapi-visit', mod))
        c.add(gen.include('qapi-commands', mod) + '\n')
        cmds = [e for e in gen.entities(mod) if isinstance(e, Command)]
        all_cmds += cmds
        # one output helper per returned type, present wherever a command
        # that uses it is
        helpers = {}
        for cmd in cmds:
            if cmd.gen and cmd.ret_type is not None:
                helpers.setdefault(cmd.ret_type.name,
                                   (cmd.ret_type, []))[1].append(cmd.ifcond)
        for typ, conds in helpers.values():
            c.add(gen_output_helper(typ, cond_any(conds)))
        for cmd in cmds:
            decl = ''
            if cmd.gen:
                decl += cmd_proto(cmd) + ';\n'
                c.add(gen_marshal(cmd))
            decl += marshal_proto(cmd) + ';\n'
            h.add(wrap(cmd.ifcond, decl) + '\n')
        files += [h, c]

    h = CFile(gen.prefix + 'qapi-init-commands.h',
              'Registration of the QMP commands of the schema')
    h.add('#include "qapi/qmp/dispatch.h"\n\n')
    h.add('void %sqmp_init_marshal(QmpCommandList *cmds);\n' % gen.c_prefix)
    c = CFile(gen.prefix + 'qapi-init-commands.c',
              'Registration of the QMP commands of the schema')
    c.add('#include "qemu/osdep.h"\n')
    for mod in gen.schema.user_modules():
        c.add(gen.include('qapi-commands', mod))
    c.add('#include "%sqapi-init-commands.h"\n\n' % gen.prefix)
    c.add('void %sqmp_init_marshal(QmpCommandList *cmds)\n{\n'
          % gen.c_prefix)
    for cmd in all_cmds:
        call = c_params('    qmp_register_command', [
            ('cmds', None), ('"%s"' % cmd.name, None),
            ('qmp_marshal_%s' % c_name(cmd.name), None),
            (command_options(cmd), None),
            (special_features_c(cmd.special_features()), None)]) + ';\n'
        c.add(wrap(cmd.ifcond, call))
    c.add('}\n')
    files += [h, c]
    return files
