# SPDX-License-Identifier: GPL-2.0-or-later
# qapi-introspect.{c,h}: the schema as query-qmp-schema returns it (a list
# of SchemaInfo objects), as a constant QLitObject.  Commands and events
# keep their names; other types get opaque numbers unless -u is given, so
# clients can't depend on type names, which are not part of the ABI.
# Only types reachable from a command or event are listed.

from .common import IfCond
from .gen import CFile, wrap
from .schema import (AlternateType, ArrayType, BuiltinType, Command,
                     EnumType, Event, ObjectType)


class Tree:
    """A JSON value with an 'if' and a comment, for the QLIT output."""

    def __init__(self, value, ifcond=None):
        self.value = value
        self.ifcond = ifcond or IfCond()


def c_string(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def to_qlit(obj, level=0, inline=False):
    """QLIT_* initializer text for @obj; @inline: no leading indent."""
    pad = '    ' * level
    start = '' if inline else pad
    if isinstance(obj, Tree):
        assert not obj.ifcond
        return to_qlit(obj.value, level, inline)
    if obj is None:
        return start + 'QLIT_QNULL'
    if isinstance(obj, bool):
        return start + 'QLIT_QBOOL(%s)' % ('true' if obj else 'false')
    if isinstance(obj, str):
        return start + 'QLIT_QSTR(%s)' % c_string(obj)
    if isinstance(obj, list):
        out = start + 'QLIT_QLIST(((QLitObject[]) {\n'
        for elem in obj:
            cond = elem.ifcond if isinstance(elem, Tree) else None
            value = elem.value if isinstance(elem, Tree) else elem
            out += wrap(cond, to_qlit(value, level + 1) + ',\n')
        return out + pad + '    {}\n' + pad + '}))'
    if isinstance(obj, dict):
        out = start + 'QLIT_QDICT(((QLitDictEntry[]) {\n'
        for key in sorted(obj):
            out += pad + '    { %s, %s },\n' % (
                c_string(key), to_qlit(obj[key], level + 1, True))
        return out + pad + '    {}\n' + pad + '}))'
    raise AssertionError('bad introspection value %r' % (obj,))


class Introspect:
    def __init__(self, schema, unmask):
        self.schema = schema
        self.unmask = unmask
        self.names = {}         # type name -> name shown
        self.count = 0          # masked names handed out
        self.queue = []
        self.trees = []

    def name(self, typ):
        if typ.name not in self.names:
            self.names[typ.name] = typ.name if self.unmask \
                else str(self.count)
            self.count += 1
            self.queue.append(typ)
        return self.names[typ.name]

    @staticmethod
    def builtin_name(typ):
        """Built-ins show under their schema names, every integer type
        as 'int'."""
        return 'int' if typ.json_type() == 'int' else typ.name

    def use(self, typ):
        """Name of @typ as shown, queueing its definition."""
        if typ is None:
            typ = self.schema.q_empty
        if isinstance(typ, BuiltinType):
            name = self.builtin_name(typ)
        elif isinstance(typ, ArrayType):
            name = '[%s]' % self.use(typ.element)
        else:
            return self.name(typ)
        if name not in self.names:
            self.names[name] = name
            self.queue.append(typ)
        return name

    @staticmethod
    def features(ent_features):
        return [Tree(f.name, f.ifcond) for f in ent_features]

    def add(self, tree, name, meta, ent, ifcond):
        tree['name'] = name
        tree['meta-type'] = meta
        if ent.features:
            tree['features'] = self.features(ent.features)
        self.trees.append(Tree(tree, ifcond))

    def member(self, m):
        tree = {'name': m.name, 'type': self.use(m.type)}
        if m.optional:
            tree['default'] = None
        if m.features:
            tree['features'] = self.features(m.features)
        return Tree(tree, m.ifcond)

    def define(self, typ):
        if isinstance(typ, BuiltinType):
            self.trees.append(Tree({'name': self.builtin_name(typ),
                                    'meta-type': 'builtin',
                                    'json-type': typ.json_type()}))
        elif isinstance(typ, ArrayType):
            name = '[%s]' % self.use(typ.element)
            self.trees.append(Tree({'name': name, 'meta-type': 'array',
                                    'element-type': self.use(typ.element)},
                                   typ.ifcond))
        elif isinstance(typ, EnumType):
            tree = {'members': [
                Tree(dict({'name': m.name},
                          **({'features': self.features(m.features)}
                             if m.features else {})), m.ifcond)
                for m in typ.members],
                'values': [Tree(m.name, m.ifcond) for m in typ.members]}
            self.add(tree, self.names[typ.name], 'enum', typ, typ.ifcond)
        elif isinstance(typ, ObjectType):
            tree = {'members': [self.member(m) for m in typ.members()]}
            if typ.variants:
                tree['tag'] = typ.tag_member.name
                tree['variants'] = [
                    Tree({'case': v.name, 'type': self.use(v.type)},
                         v.ifcond)
                    for v in typ.variants]
            self.add(tree, self.names[typ.name], 'object', typ, typ.ifcond)
        elif isinstance(typ, AlternateType):
            tree = {'members': [Tree({'type': self.use(v.type)}, v.ifcond)
                                for v in typ.variants]}
            self.add(tree, self.names[typ.name], 'alternate', typ,
                     typ.ifcond)

    def run(self):
        for ent in self.schema.entities:
            if isinstance(ent, Command):
                tree = {'arg-type': self.use(ent.arg_type),
                        'ret-type': self.use(ent.ret_type)}
                if ent.allow_oob:
                    tree['allow-oob'] = True
                self.add(tree, ent.name, 'command', ent, ent.ifcond)
            elif isinstance(ent, Event):
                tree = {'arg-type': self.use(ent.arg_type)}
                self.add(tree, ent.name, 'event', ent, ent.ifcond)
        while self.queue:
            self.define(self.queue.pop(0))
        return self.trees


def gen_introspect(gen, unmask):
    trees = Introspect(gen.schema, unmask).run()
    var = gen.c_prefix + 'qmp_schema_qlit'
    h = CFile(gen.prefix + 'qapi-introspect.h',
              'The QAPI schema as data, for query-qmp-schema')
    h.add('#include "qobject/qlit.h"\n\nextern const QLitObject %s;\n' % var)
    c = CFile(gen.prefix + 'qapi-introspect.c',
              'The QAPI schema as data, for query-qmp-schema')
    c.add('#include "qemu/osdep.h"\n#include "config-host.h"\n'
          '#include "%sqapi-introspect.h"\n\n' % gen.prefix)
    c.add('const QLitObject %s = %s;\n' % (var, to_qlit(trees)))
    return [h, c]
