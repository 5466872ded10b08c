# SPDX-License-Identifier: GPL-2.0-or-later
# A plain-text dump of the checked schema, for tests/qapi-schema/: each
# entity with everything the checker derived (resolved types, flattened
# members, implicit branches, conditions), one fact a line.

from .schema import (AlternateType, ArrayType, Command, EnumType, Event,
                     ObjectType)


def _extras(ifcond, features):
    out = ''
    if ifcond:
        out += ' if=%s' % ifcond.docstr()
    if features:
        out += ' features=%s' % ','.join(
            f.name + ('[if=%s]' % f.ifcond.docstr() if f.ifcond else '')
            for f in features)
    return out


def dump_schema(schema):
    lines = []
    for mod, incs, _ in schema.modules:
        lines.append('module %s%s' % (mod, ' includes %s' % ' '.join(incs)
                                      if incs else ''))
    for ent in schema.entities:
        if ent.module == 'builtin':
            continue
        head = '%s %s' % (ent.meta, ent.name)
        head += ' (module %s)' % ent.module
        lines.append(head + _extras(ent.ifcond, ent.features))
        if isinstance(ent, EnumType):
            if ent.prefix:
                lines.append('    prefix %s' % ent.prefix)
            for m in ent.members:
                lines.append('    value %s%s' % (m.name, _extras(m.ifcond,
                                                              m.features)))
        elif isinstance(ent, ObjectType):
            if ent.base:
                lines.append('    base %s' % ent.base.name)
            for m in ent.members():
                lines.append('    member %s: %s%s%s%s' % (
                    m.name, m.type.name, ' optional' if m.optional else '',
                    ' has_flag' if m.need_has() else '',
                    _extras(m.ifcond, m.features)))
            if ent.tag_member:
                lines.append('    tag %s' % ent.tag_member.name)
                for v in ent.variants:
                    lines.append('    case %s: %s%s' % (
                        v.name, v.type.name, _extras(v.ifcond, [])))
        elif isinstance(ent, AlternateType):
            for v in ent.variants:
                lines.append('    case %s: %s (%s)%s' % (
                    v.name, v.type.name, v.type.qtype(),
                    _extras(v.ifcond, [])))
        elif isinstance(ent, ArrayType):
            lines.append('    element %s' % ent.element.name)
        elif isinstance(ent, Command):
            lines.append('    arg %s ret %s' % (
                ent.arg_type.name if ent.arg_type else '-',
                ent.ret_type.name if ent.ret_type else '-'))
            lines.append('    gen=%s success_response=%s boxed=%s oob=%s '
                         'preconfig=%s coroutine=%s' % (
                             ent.gen, ent.success_response, ent.boxed,
                             ent.allow_oob, ent.allow_preconfig,
                             ent.coroutine))
        elif isinstance(ent, Event):
            lines.append('    arg %s boxed=%s' % (
                ent.arg_type.name if ent.arg_type else '-', ent.boxed))
        doc = ent.doc
        if doc is not None:
            lines.append('    doc symbol=%s' % doc.symbol)
            for name, (_, text) in doc.args.items():
                lines.append('        arg %s: %s' % (name, text))
            for name, (_, text) in doc.features.items():
                lines.append('        feature %s: %s' % (name, text))
            for tag, text in doc.sections:
                lines.append('        section %s: %s'
                             % (tag, ' '.join(text.split())))
    return '\n'.join(lines) + '\n'
