# SPDX-License-Identifier: GPL-2.0-or-later
# qapi-events-MODULE.{c,h}: qapi_event_send_FOO() for every event, which
# builds the QMP event dict and hands it to qapi_event_emit(); and
# qapi-emit-events.{c,h}: the QAPIEvent enum and that function's prototype
# (the monitor implements it).

from .common import c_enum_const, c_name
from .gen import CFile, c_params, wrap
from .schema import Event
from .commands import arg_params


def event_enum_name(gen):
    return gen.c_prefix + 'QAPIEvent'


def event_const(gen, ev):
    return c_enum_const(event_enum_name(gen), ev.name)


def send_proto(ev):
    params = arg_params(ev.arg_type, ev.boxed)
    if params and params[-1][1]:
        from .error import QAPIError
        raise QAPIError(ev.info, "the last member of %s must not be "
                        "conditional unless the event is 'boxed'"
                        % ev.describe())
    return c_params('void qapi_event_send_%s' % c_name(ev.name.lower()),
                    params)


def gen_send(gen, ev):
    arg = ev.arg_type
    out = send_proto(ev) + '\n{\n    QDict *qmp;\n'
    if arg is not None:
        out += '    QObject *obj;\n    Visitor *v;\n'
        if not ev.boxed:
            out += '    %s param = {\n' % arg.c_name()
            for m in arg.members():
                text = ''
                if m.need_has():
                    text += '        .has_%s = has_%s,\n' % (m.c_name(),
                                                            m.c_name())
                cast = '(char *)' if m.type.c_param_type() != \
                    m.type.c_type() else ''
                text += '        .%s = %s%s,\n' % (m.c_name(), cast,
                                                  m.c_name())
                out += wrap(m.ifcond, text)
            out += '    };\n'
    out += '\n'
    special = ev.special_features()
    if 'deprecated' in special:
        out += '    if (compat_policy.deprecated_output == ' \
            'COMPAT_POLICY_OUTPUT_HIDE) {\n        return;\n    }\n'
    if 'unstable' in special:
        out += '    if (compat_policy.unstable_output == ' \
            'COMPAT_POLICY_OUTPUT_HIDE) {\n        return;\n    }\n'
    out += '    qmp = qmp_event_build_dict("%s");\n' % ev.name
    if arg is not None:
        holder = 'arg' if ev.boxed else '&param'
        out += '''
    v = qobject_output_visitor_new_qmp(&obj);
    visit_start_struct(v, "%(name)s", NULL, 0, &error_abort);
    visit_type_%(t)s_members(v, %(h)s, &error_abort);
    visit_check_struct(v, &error_abort);
    visit_end_struct(v, NULL);
    visit_complete(v, &obj);
    qdict_put_obj(qmp, "data", obj);
    visit_free(v);
''' % {'name': ev.name, 't': arg.c_name(), 'h': holder}
    out += '\n    %s(%s, qmp);\n    qobject_unref(qmp);\n}\n' % (
        gen.c_prefix + 'qapi_event_emit', event_const(gen, ev))
    return wrap(ev.ifcond, out) + '\n'


def gen_events(gen):
    files = []
    all_events = []
    for mod in gen.schema.user_modules():
        base = gen.basename('qapi-events', mod)
        h = CFile(base + '.h', 'QAPI events of module %s' % mod)
        c = CFile(base + '.c', 'QAPI event senders of module %s' % mod)
        h.add('#include "qapi/util.h"\n')
        for dep in gen.module_deps(mod):
            if dep != 'builtin':
                h.add(gen.include('qapi-events', dep))
        h.add(gen.include('qapi-types', mod))
        h.add('#include "%sqapi-emit-events.h"\n\n' % gen.prefix)
        c.add('#include "qemu/osdep.h"\n'
              '#include "qapi/error.h"\n'
              '#include "qapi/compat-policy.h"\n'
              '#include "qapi/qmp-event.h"\n'
              '#include "qapi/qobject-output-visitor.h"\n'
              '#include "qobject/qdict.h"\n')
        c.add(gen.include('qapi-visit', mod))
        c.add(gen.include('qapi-events', mod) + '\n')
        for ev in gen.entities(mod):
            if not isinstance(ev, Event):
                continue
            all_events.append(ev)
            h.add(wrap(ev.ifcond, send_proto(ev) + ';\n') + '\n')
            c.add(gen_send(gen, ev))
        files += [h, c]

    enum = event_enum_name(gen)
    h = CFile(gen.prefix + 'qapi-emit-events.h',
              'The QMP events of the schema, as an enum')
    h.add('#include "config-host.h"\n#include "qapi/util.h"\n\n')
    body = 'typedef enum %s {\n' % enum
    for ev in all_events:
        body += wrap(ev.ifcond, '    %s,\n' % event_const(gen, ev))
    body += '    %s,\n} %s;\n\n' % (c_enum_const(enum, '_MAX'), enum)
    body += '#define %s_str(val) \\\n    qapi_enum_lookup(&%s_lookup, ' \
        '(val))\n\n' % (enum, enum)
    body += 'extern const QEnumLookup %s_lookup;\n\n' % enum
    body += '/* Sends @qdict to the monitors; implemented by the monitor. */\n'
    body += 'void %sqapi_event_emit(%s event, QDict *qdict);\n' % (
        gen.c_prefix, enum)
    h.add(body)
    c = CFile(gen.prefix + 'qapi-emit-events.c',
              'The QMP events of the schema, as an enum')
    c.add('#include "qemu/osdep.h"\n#include "%sqapi-emit-events.h"\n\n'
          % gen.prefix)
    body = 'const QEnumLookup %s_lookup = {\n' % enum
    body += '    .array = (const char *const[]) {\n'
    for ev in all_events:
        body += wrap(ev.ifcond, '        [%s] = "%s",\n'
                     % (event_const(gen, ev), ev.name))
    body += '    },\n    .size = %s\n};\n' % c_enum_const(enum, '_MAX')
    c.add(body)
    files += [h, c]
    return files
