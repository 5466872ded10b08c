# SPDX-License-Identifier: GPL-2.0-or-later
# The checked schema: one entity per definition (built-in and enum types,
# structs, unions, alternates, arrays, commands, events), every type
# reference resolved and every rule of the schema language enforced.
# Generators walk QAPISchema.entities in definition order.

import re

from .common import c_name, is_ident, IfCond, C_RESERVED
from .error import QAPIError
from .parser import parse_schema

SPECIAL_FEATURES = ('deprecated', 'unstable')

# name: (JSON type, C type, QType of its JSON value)
BUILTINS = {
    'str': ('string', 'char *', 'QTYPE_QSTRING'),
    'number': ('number', 'double', 'QTYPE_QNUM'),
    'int': ('int', 'int64_t', 'QTYPE_QNUM'),
    'int8': ('int', 'int8_t', 'QTYPE_QNUM'),
    'int16': ('int', 'int16_t', 'QTYPE_QNUM'),
    'int32': ('int', 'int32_t', 'QTYPE_QNUM'),
    'int64': ('int', 'int64_t', 'QTYPE_QNUM'),
    'uint8': ('int', 'uint8_t', 'QTYPE_QNUM'),
    'uint16': ('int', 'uint16_t', 'QTYPE_QNUM'),
    'uint32': ('int', 'uint32_t', 'QTYPE_QNUM'),
    'uint64': ('int', 'uint64_t', 'QTYPE_QNUM'),
    'size': ('int', 'uint64_t', 'QTYPE_QNUM'),
    'bool': ('boolean', 'bool', 'QTYPE_QBOOL'),
    'null': ('null', 'QNull *', 'QTYPE_QNULL'),
    'any': ('value', 'QObject *', None),
}

QTYPE_VALUES = ['none', 'qnull', 'qnum', 'qstring', 'qdict', 'qlist',
                'qbool']

_VALID_NAME = re.compile(r'^(__[a-zA-Z0-9.-]+_)?(x-)?([a-zA-Z0-9][a-zA-Z0-9_-]*)$')


def err(info, msg):
    raise QAPIError(info, msg)


# ---------------------------------------------------------------- entities

class Entity:
    meta = None

    def __init__(self, name, info, ifcond=None, features=None, doc=None,
                 module=None):
        self.name = name
        self.info = info
        self.ifcond = ifcond or IfCond()
        self.features = features or []
        self.doc = doc
        self.module = module

    def describe(self):
        return "%s '%s'" % (self.meta, self.name)

    def c_name(self):
        return c_name(self.name)

    def is_implicit(self):
        return False

    def special_features(self):
        return [f.name for f in self.features if f.is_special()]


class Feature:
    def __init__(self, name, info, ifcond):
        self.name = name
        self.info = info
        self.ifcond = ifcond

    def is_special(self):
        return self.name in SPECIAL_FEATURES


def special_features_c(names):
    """C expression for a set of special features, '0' when empty."""
    parts = ['1u << QAPI_%s' % n.upper() for n in sorted(set(names))]
    return ' | '.join(parts) if parts else '0'


class Type(Entity):
    def c_type(self):
        raise NotImplementedError

    def c_param_type(self):
        return self.c_type()

    def c_unboxed_type(self):
        return self.c_type()

    def is_pointer(self):
        return self.c_type().endswith('*')

    def json_type(self):
        raise NotImplementedError

    def qtype(self):
        raise NotImplementedError


class BuiltinType(Type):
    meta = 'built-in'

    def __init__(self, name):
        super().__init__(name, None, module='builtin')
        self._json, self._c, self._qtype = BUILTINS[name]

    def c_name(self):
        return self.name

    def c_type(self):
        return self._c

    def c_param_type(self):
        return 'const char *' if self.name == 'str' else self._c

    def json_type(self):
        return self._json

    def qtype(self):
        return self._qtype

    def describe(self):
        return "built-in type '%s'" % self.name


class EnumMember:
    def __init__(self, name, info, ifcond, features):
        self.name = name
        self.info = info
        self.ifcond = ifcond
        self.features = features


class EnumType(Type):
    meta = 'enum'

    def __init__(self, name, info, ifcond, features, doc, module, members,
                 prefix):
        super().__init__(name, info, ifcond, features, doc, module)
        self.members = members
        self.prefix = prefix

    def c_type(self):
        return c_name(self.name)

    def json_type(self):
        return 'string'

    def qtype(self):
        return 'QTYPE_QSTRING'

    def member_names(self):
        return [m.name for m in self.members]


class ArrayType(Type):
    meta = 'array'

    def __init__(self, element):
        super().__init__(element.name + 'List', element.info,
                         element.ifcond, module=element.module)
        self.element = element

    def c_name(self):
        return c_name(self.element.name) + 'List'

    def c_type(self):
        return self.c_name() + ' *'

    def json_type(self):
        return 'array'

    def qtype(self):
        return 'QTYPE_QLIST'

    def describe(self):
        return "array of %s" % self.element.name


class Member:
    def __init__(self, name, info, type_name, optional, ifcond, features,
                 owner):
        self.name = name
        self.info = info
        self.type_name = type_name      # a name, or [name] for arrays
        self.type = None
        self.optional = optional
        self.ifcond = ifcond
        self.features = features
        self.owner = owner              # the defining ObjectType

    def c_name(self):
        return c_name(self.name)

    def need_has(self):
        """Optional members of non-pointer C type carry a has_ flag."""
        return self.optional and not self.type.is_pointer()

    def special_features(self):
        return [f.name for f in self.features if f.is_special()]

    def describe(self):
        return "member '%s' of %s" % (self.name, self.owner.describe())


class Variant:
    def __init__(self, name, info, type_name, ifcond):
        self.name = name
        self.info = info
        self.type_name = type_name
        self.type = None
        self.ifcond = ifcond


class ObjectType(Type):
    """Structs, unions and the implicit argument/base structs."""

    def __init__(self, name, info, ifcond, features, doc, module, meta,
                 base_name, members, tag_name=None, variants=None,
                 implicit_of=None):
        super().__init__(name, info, ifcond, features, doc, module)
        self.meta = meta                # 'struct' or 'union'
        self.base_name = base_name
        self.base = None
        self.local_members = members
        self.tag_name = tag_name
        self.tag_member = None
        self.variants = variants or []
        self.implicit_of = implicit_of  # the defining entity, if implicit
        self._members = None
        self.checked = False

    def is_implicit(self):
        return self.implicit_of is not None

    def is_empty(self):
        return self.name == 'q_empty'

    def describe(self):
        if self.implicit_of is not None:
            if self.name.endswith('-base'):
                return 'base of ' + self.implicit_of.describe()
            return 'arguments of ' + self.implicit_of.describe()
        return super().describe()

    def members(self):
        return self._members

    def c_type(self):
        return c_name(self.name) + ' *'

    def c_unboxed_type(self):
        return c_name(self.name)

    def json_type(self):
        return 'object'

    def qtype(self):
        return 'QTYPE_QDICT'


class AlternateType(Type):
    meta = 'alternate'

    def __init__(self, name, info, ifcond, features, doc, module, variants):
        super().__init__(name, info, ifcond, features, doc, module)
        self.variants = variants

    def c_type(self):
        return c_name(self.name) + ' *'

    def json_type(self):
        return 'value'

    def qtype(self):
        return None


class Command(Entity):
    meta = 'command'

    def __init__(self, name, info, ifcond, features, doc, module, arg_type,
                 ret_name, gen, success_response, boxed, allow_oob,
                 allow_preconfig, coroutine):
        super().__init__(name, info, ifcond, features, doc, module)
        self.arg_type_name = arg_type
        self.arg_type = None
        self.ret_name = ret_name
        self.ret_type = None
        self.gen = gen
        self.success_response = success_response
        self.boxed = boxed
        self.allow_oob = allow_oob
        self.allow_preconfig = allow_preconfig
        self.coroutine = coroutine


class Event(Entity):
    meta = 'event'

    def __init__(self, name, info, ifcond, features, doc, module, arg_type,
                 boxed):
        super().__init__(name, info, ifcond, features, doc, module)
        self.arg_type_name = arg_type
        self.arg_type = None
        self.boxed = boxed


# ---------------------------------------------------------------- checks
# of the expressions' shape, before any type is resolved

def check_keys(value, info, what, required, optional):
    for key in required:
        if key not in value:
            err(info, "%s misses key '%s'" % (what, key))
    for key in value:
        if key not in required and key not in optional:
            err(info, "%s has unknown key '%s'" % (what, key))


def check_bool(expr, key, info, what):
    if key in expr and not isinstance(expr[key], bool):
        err(info, "flag '%s' of %s must be true or false" % (key, what))


def check_if(value, info, what):
    """Parse an 'if' into an IfCond, checking its form."""

    def walk(cond):
        if isinstance(cond, str):
            if not is_ident(cond):
                err(info, "'if' condition '%s' of %s is not a valid "
                    "identifier" % (cond, what))
            return cond
        if not isinstance(cond, dict):
            err(info, "'if' condition of %s must be a string or an object"
                % what)
        if len(cond) != 1:
            err(info, "'if' condition of %s must have exactly one of "
                "'all', 'any' or 'not'" % what)
        op, arg = next(iter(cond.items()))
        if op == 'not':
            return ('not', walk(arg))
        if op not in ('all', 'any'):
            err(info, "'if' condition of %s has unknown operator '%s'"
                % (what, op))
        if not isinstance(arg, list):
            err(info, "'%s' condition of %s must be a list" % (op, what))
        if not arg:
            err(info, "'%s' condition of %s must not be empty" % (op, what))
        return (op, [walk(a) for a in arg])

    if value is None:
        return IfCond()
    return IfCond(walk(value))


def check_name_str(name, info, what):
    """Common part of every name check: returns the name without its
    vendor and 'x-' prefixes."""
    m = _VALID_NAME.match(name)
    if not m:
        err(info, "%s has an invalid name" % what)
    return m.group(3)


def check_name_lower(name, info, what, permit_upper=False,
                     permit_underscore=False, permit_digit=False):
    stem = check_name_str(name, info, what)
    if stem[0].isdigit() and not permit_digit:
        err(info, "%s has an invalid name" % what)
    if (not permit_upper and name.lower() != name) or \
            (not permit_underscore and '_' in stem):
        err(info, "name of %s must use lowercase with dashes (not '%s')"
            % (what, name))
    if c_name(name, False).startswith('q_'):
        err(info, "%s uses reserved prefix 'q_'" % what)


def check_name_camel(name, info, what):
    stem = check_name_str(name, info, what)
    if not re.match(r'^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$', stem):
        err(info, "name of %s must use CamelCase (not '%s')" % (what, name))
    if name.endswith('List'):
        err(info, "name of %s must not end with 'List'" % what)


def check_name_upper(name, info, what):
    stem = check_name_str(name, info, what)
    if not re.match(r'^[A-Z][A-Z0-9_]*$', stem):
        err(info, "name of %s must use UPPER_CASE (not '%s')" % (what, name))


def check_features(value, info, what, permit_upper=False):
    if value is None:
        return []
    if not isinstance(value, list):
        err(info, "'features' of %s must be an array" % what)
    out = []
    seen = set()
    for f in value:
        if isinstance(f, str):
            f = {'name': f}
        if not isinstance(f, dict):
            err(info, "feature of %s must be a string or an object" % what)
        check_keys(f, info, "feature of %s" % what, ['name'], ['if'])
        name = f['name']
        if not isinstance(name, str):
            err(info, "feature name of %s must be a string" % what)
        fwhat = "feature '%s' of %s" % (name, what)
        check_name_lower(name, info, fwhat, permit_upper)
        if name in seen:
            err(info, "%s is listed twice" % fwhat)
        seen.add(name)
        out.append(Feature(name, info, check_if(f.get('if'), info, fwhat)))
    return out


def check_type_ref(value, info, what, allow_array=True, allow_dict=False):
    """A type reference: a name, [name], or (if allowed) an inline dict."""
    if isinstance(value, str):
        return
    if isinstance(value, list) and allow_array:
        if len(value) != 1 or not isinstance(value[0], str):
            err(info, "%s: array type must contain exactly one type name"
                % what)
        return
    if isinstance(value, dict) and allow_dict:
        return
    err(info, "%s should be a type name" % what)


# ---------------------------------------------------------------- schema

class QAPISchema:

    def __init__(self, fname):
        self.fname = fname
        exprs, self.modules, self.pragma = parse_schema(fname)
        self.entities = []          # in definition order
        self.types = {}             # name -> Type (incl. arrays)
        self.by_name = {}           # every named entity
        self.arrays = []
        self._add_builtins()
        for e in exprs:
            self._define(e)
        self._resolve_all()
        self._check_docs(exprs)

    # --- definitions ---

    def _add_entity(self, ent):
        if ent.name in self.by_name:
            other = self.by_name[ent.name]
            where = ' at %s' % other.info if other.info else ''
            err(ent.info, "%s is already defined%s"
                % (ent.describe(), where))
        self.by_name[ent.name] = ent
        if isinstance(ent, Type):
            self.types[ent.name] = ent
        self.entities.append(ent)

    def _add_builtins(self):
        for name in BUILTINS:
            self._add_entity(BuiltinType(name))
        qtype = EnumType('QType', None, IfCond(), [], None, 'builtin',
                         [EnumMember(v, None, IfCond(), [])
                          for v in QTYPE_VALUES], 'QTYPE')
        self._add_entity(qtype)
        self.q_empty = ObjectType('q_empty', None, IfCond(), [], None,
                                  'builtin', 'struct', None, [],
                                  implicit_of=qtype)
        self._add_entity(self.q_empty)
        for name in list(BUILTINS) + ['QType']:
            self._array_of(self.types[name])

    def _array_of(self, elem):
        name = elem.name + 'List'
        if name in self.types:
            return self.types[name]
        arr = ArrayType(elem)
        self.types[name] = arr
        self.arrays.append(arr)
        self.entities.append(arr)
        return arr

    def _define(self, e):
        expr, info = e.expr, e.info
        for meta in ('enum', 'struct', 'union', 'alternate', 'command',
                     'event'):
            if meta in expr:
                break
        else:
            err(info, "expression is missing metatype")
        name = expr[meta]
        if not isinstance(name, str):
            err(info, "'%s' requires a string name" % meta)
        what = "%s '%s'" % (meta, name)
        info.defn_meta, info.defn_name = meta, name
        if meta in ('command', 'event'):
            pass
        elif name in BUILTINS or name == 'QType':
            err(info, "%s is already defined as a built-in type" % what)
        if meta == 'command':
            exc = self.pragma.allows('command-name-exceptions', name)
            check_name_lower(name, info, what, permit_underscore=exc)
        elif meta == 'event':
            check_name_upper(name, info, what)
        else:
            check_name_camel(name, info, what)
        ifcond = check_if(expr.get('if'), info, what)
        features = check_features(expr.get('features'), info, what)
        getattr(self, '_def_' + meta)(expr, info, e.doc, e.module, name,
                                      what, ifcond, features)

    def _members(self, data, info, owner, what):
        if not isinstance(data, dict):
            err(info, "'data' of %s must be an object" % what)
        permit = self.pragma.allows('member-name-exceptions', owner.name) \
            or (owner.implicit_of is not None and self.pragma.allows(
                'member-name-exceptions', owner.implicit_of.name))
        out = []
        for key, value in data.items():
            optional = key.startswith('*')
            name = key[1:] if optional else key
            mwhat = "member '%s' of %s" % (name, what)
            check_name_lower(name, info, mwhat, permit, permit)
            if c_name(name).startswith('has_'):
                err(info, "%s uses reserved prefix 'has_'" % mwhat)
            ifcond = IfCond()
            features = []
            if isinstance(value, dict):
                check_keys(value, info, mwhat, ['type'], ['if', 'features'])
                ifcond = check_if(value.get('if'), info, mwhat)
                features = check_features(value.get('features'), info,
                                          mwhat, permit)
                value = value['type']
            check_type_ref(value, info, "type of %s" % mwhat)
            out.append(Member(name, info, value, optional, ifcond, features,
                              owner))
        return out

    def _def_enum(self, expr, info, doc, module, name, what, ifcond,
                  features):
        check_keys(expr, info, what, ['enum', 'data'],
                   ['if', 'features', 'prefix'])
        prefix = expr.get('prefix')
        if prefix is not None and not (isinstance(prefix, str)
                                       and is_ident(prefix)):
            err(info, "'prefix' of %s must be a C identifier" % what)
        data = expr['data']
        if not isinstance(data, list):
            err(info, "'data' of %s must be an array" % what)
        permit = self.pragma.allows('member-name-exceptions', name)
        members = []
        seen = {}
        for m in data:
            if isinstance(m, str):
                m = {'name': m}
            if not isinstance(m, dict):
                err(info, "member of %s must be a string or an object"
                    % what)
            check_keys(m, info, "member of %s" % what, ['name'],
                       ['if', 'features'])
            mname = m['name']
            if not isinstance(mname, str):
                err(info, "member name of %s must be a string" % what)
            mwhat = "value '%s' of %s" % (mname, what)
            check_name_lower(mname, info, mwhat, permit, permit, True)
            key = c_name(mname, False).upper()
            if key in seen:
                err(info, "%s collides with value '%s'"
                    % (mwhat, seen[key]) if seen[key] != mname
                    else "%s is listed twice" % mwhat)
            seen[key] = mname
            members.append(EnumMember(
                mname, info, check_if(m.get('if'), info, mwhat),
                check_features(m.get('features'), info, mwhat, permit)))
        self._add_entity(EnumType(name, info, ifcond, features, doc, module,
                                  members, prefix))

    def _def_struct(self, expr, info, doc, module, name, what, ifcond,
                    features):
        check_keys(expr, info, what, ['struct', 'data'],
                   ['if', 'features', 'base'])
        base = expr.get('base')
        if base is not None and not isinstance(base, str):
            err(info, "'base' of %s must be a type name" % what)
        obj = ObjectType(name, info, ifcond, features, doc, module,
                         'struct', base, [])
        obj.local_members = self._members(expr['data'], info, obj, what)
        self._add_entity(obj)

    def _def_union(self, expr, info, doc, module, name, what, ifcond,
                   features):
        check_keys(expr, info, what, ['union', 'base', 'discriminator',
                                      'data'], ['if', 'features'])
        obj = ObjectType(name, info, ifcond, features, doc, module, 'union',
                         None, [])
        base = expr['base']
        if isinstance(base, dict):
            implicit = ObjectType('q_obj_%s-base' % name, info, ifcond, [],
                                  None, module, 'struct', None, [],
                                  implicit_of=obj)
            implicit.local_members = self._members(base, info, implicit,
                                                   "base of " + what)
            self._add_entity(implicit)
            obj.base_name = implicit.name
        elif isinstance(base, str):
            obj.base_name = base
        else:
            err(info, "'base' of %s must be a type name or an object"
                % what)
        tag = expr['discriminator']
        if not isinstance(tag, str):
            err(info, "'discriminator' of %s must be a string" % what)
        obj.tag_name = tag
        data = expr['data']
        if not isinstance(data, dict):
            err(info, "'data' of %s must be an object" % what)
        for key, value in data.items():
            vwhat = "branch '%s' of %s" % (key, what)
            check_name_lower(key, info, vwhat,
                             self.pragma.allows('member-name-exceptions',
                                                name), True, True)
            vif = IfCond()
            if isinstance(value, dict):
                check_keys(value, info, vwhat, ['type'], ['if'])
                vif = check_if(value.get('if'), info, vwhat)
                value = value['type']
            check_type_ref(value, info, "type of " + vwhat,
                           allow_array=False)
            obj.variants.append(Variant(key, info, value, vif))
        self._add_entity(obj)

    def _def_alternate(self, expr, info, doc, module, name, what, ifcond,
                       features):
        check_keys(expr, info, what, ['alternate', 'data'],
                   ['if', 'features'])
        data = expr['data']
        if not isinstance(data, dict):
            err(info, "'data' of %s must be an object" % what)
        if not data:
            err(info, "%s has no branches" % what)
        variants = []
        for key, value in data.items():
            vwhat = "branch '%s' of %s" % (key, what)
            check_name_lower(key, info, vwhat)
            vif = IfCond()
            if isinstance(value, dict):
                check_keys(value, info, vwhat, ['type'], ['if'])
                vif = check_if(value.get('if'), info, vwhat)
                value = value['type']
            check_type_ref(value, info, "type of " + vwhat)
            variants.append(Variant(key, info, value, vif))
        self._add_entity(AlternateType(name, info, ifcond, features, doc,
                                       module, variants))

    def _implicit_args(self, data, info, ent, what, module):
        if data is None:
            return None
        if isinstance(data, str):
            return data
        if isinstance(data, dict):
            obj = ObjectType('q_obj_%s-arg' % ent.name, info, ent.ifcond,
                             [], None, module, 'struct', None, [],
                             implicit_of=ent)
            obj.local_members = self._members(data, info, obj, what)
            self._add_entity(obj)
            return obj.name
        err(info, "'data' of %s must be a type name or an object" % what)

    def _def_command(self, expr, info, doc, module, name, what, ifcond,
                     features):
        check_keys(expr, info, what, ['command'],
                   ['data', 'returns', 'boxed', 'gen', 'success-response',
                    'allow-oob', 'allow-preconfig', 'coroutine', 'if',
                    'features'])
        for flag in ('boxed', 'gen', 'success-response', 'allow-oob',
                     'allow-preconfig', 'coroutine'):
            check_bool(expr, flag, info, what)
        boxed = expr.get('boxed', False)
        data = expr.get('data')
        if boxed and not isinstance(data, str):
            err(info, "'data' of boxed %s must be a type name" % what)
        rets = expr.get('returns')
        if rets is not None:
            check_type_ref(rets, info, "'returns' of " + what)
        for other in self.entities:
            if isinstance(other, Command) and \
                    c_name(other.name) == c_name(name):
                err(info, "%s collides with command '%s' (both are "
                    "qmp_%s in C)" % (what, other.name, c_name(name)))
        cmd = Command(name, info, ifcond, features, doc, module, None, rets,
                      expr.get('gen', True),
                      expr.get('success-response', True), boxed,
                      expr.get('allow-oob', False),
                      expr.get('allow-preconfig', False),
                      expr.get('coroutine', False))
        self._add_entity(cmd)
        cmd.arg_type_name = self._implicit_args(data, info, cmd, what,
                                                module)
        # the implicit argument struct was added after the command; the
        # generators want it first
        self._move_before(cmd)

    def _def_event(self, expr, info, doc, module, name, what, ifcond,
                   features):
        check_keys(expr, info, what, ['event'],
                   ['data', 'boxed', 'if', 'features'])
        check_bool(expr, 'boxed', info, what)
        boxed = expr.get('boxed', False)
        data = expr.get('data')
        if boxed and not isinstance(data, str):
            err(info, "'data' of boxed %s must be a type name" % what)
        ev = Event(name, info, ifcond, features, doc, module, None, boxed)
        self._add_entity(ev)
        ev.arg_type_name = self._implicit_args(data, info, ev, what, module)
        self._move_before(ev)

    def _move_before(self, ent):
        if self.entities[-1] is not ent:
            self.entities.remove(ent)
            self.entities.append(ent)

    # --- resolution and semantic checks ---

    def _lookup(self, ref, info, what, metas, implicit=False):
        """Resolve a type reference; @metas restricts what it may be."""
        if implicit and isinstance(ref, str) and ref.startswith('q_obj_'):
            return self.types[ref]
        if isinstance(ref, list):
            elem = self._lookup(ref[0], info, what, None)
            if isinstance(elem, ArrayType):
                err(info, "%s: arrays of arrays are not supported" % what)
            typ = self._array_of(elem)
            if metas is not None and 'array' not in metas:
                err(info, "%s cannot be an array" % what)
            return typ
        typ = self.types.get(ref)
        if typ is None or isinstance(typ, ArrayType) or \
                (isinstance(typ, ObjectType) and typ.is_implicit()):
            if ref in self.by_name:
                err(info, "%s uses %s, which is not a type"
                    % (what, self.by_name[ref].describe()))
            err(info, "%s uses unknown type '%s'" % (what, ref))
        meta = typ.meta
        if metas is not None and meta not in metas:
            err(info, "%s cannot be %s" % (what, typ.describe()))
        return typ

    def _resolve_all(self):
        for ent in list(self.entities):
            if isinstance(ent, ObjectType):
                self._check_object(ent, [])
        for ent in list(self.entities):
            if isinstance(ent, AlternateType):
                self._check_alternate(ent)
            elif isinstance(ent, Command):
                self._check_command(ent)
            elif isinstance(ent, Event):
                self._check_event(ent)
        # arrays of conditional element types are conditional too
        for arr in self.arrays:
            arr.ifcond = arr.element.ifcond
            arr.module = arr.element.module

    def _check_object(self, obj, stack):
        if obj.checked:
            return
        if obj in stack:
            err(obj.info, "%s contains itself (base cycle: %s)"
                % (obj.describe(),
                   ' -> '.join(o.name for o in stack + [obj])))
        stack = stack + [obj]
        what = obj.describe()
        seen = {}
        members = []
        if obj.base_name is not None:
            obj.base = self._lookup(obj.base_name, obj.info,
                                    "'base' of " + what, ['struct'], True)
            self._check_object(obj.base, stack)
            for m in obj.base.members():
                seen[m.c_name()] = m
                members.append(m)
        for m in obj.local_members:
            m.type = self._lookup(m.type_name, m.info,
                                  m.describe(), None)
            key = m.c_name()
            if key in seen:
                other = seen[key]
                if other.name == m.name and other.owner is not obj:
                    err(m.info, "%s collides with member '%s' of %s"
                        % (m.describe(), other.name, other.owner.describe()))
                if other.name == m.name:
                    err(m.info, "%s is listed twice" % m.describe())
                err(m.info, "%s collides with member '%s' of %s (both are "
                    "'%s' in C)" % (m.describe(), other.name,
                                    other.owner.describe(), key))
            seen[key] = m
            members.append(m)
        obj._members = members
        if obj.meta == 'union':
            self._check_union(obj, seen)
        obj.checked = True

    def _check_union(self, obj, seen):
        what = obj.describe()
        tag = None
        for m in obj.members():
            if m.name == obj.tag_name:
                tag = m
        if tag is None:
            err(obj.info, "discriminator '%s' of %s is not a member of its "
                "base" % (obj.tag_name, what))
        if tag.optional:
            err(obj.info, "discriminator member '%s' of %s must not be "
                "optional" % (tag.name, what))
        if tag.ifcond:
            err(obj.info, "discriminator member '%s' of %s must not be "
                "conditional" % (tag.name, what))
        if not isinstance(tag.type, EnumType):
            err(obj.info, "discriminator member '%s' of %s must be of enum "
                "type" % (tag.name, what))
        obj.tag_member = tag
        if 'u' in seen:
            err(obj.info, "%s uses reserved name 'u' (the C union of its "
                "branches)" % seen['u'].describe())
        values = {v.name: v for v in tag.type.members}
        listed = {}
        for v in obj.variants:
            vwhat = "branch '%s' of %s" % (v.name, what)
            if v.name not in values:
                err(v.info, "%s is not a value of %s"
                    % (vwhat, tag.type.describe()))
            if v.name in listed:
                err(v.info, "%s is listed twice" % vwhat)
            listed[v.name] = v
            ev = values[v.name]
            if ev.ifcond and not v.ifcond:
                # the branch exists only where its enum value does
                v.ifcond = ev.ifcond
            v.type = self._lookup(v.type_name, v.info, vwhat,
                                  ['struct', 'union'])
            self._check_object(v.type, [])
            for m in v.type.members():
                key = m.c_name()
                if key in seen:
                    err(v.info, "%s member '%s' collides with member '%s'"
                        " of %s" % (vwhat, m.name, seen[key].name,
                                    seen[key].owner.describe()))
        # every enum value gets a branch; unlisted ones are empty
        variants = []
        for ev in tag.type.members:
            v = listed.get(ev.name)
            if v is None:
                v = Variant(ev.name, obj.info, 'q_empty', ev.ifcond)
                v.type = self.q_empty
            variants.append(v)
        obj.variants = variants

    def _check_alternate(self, alt):
        what = alt.describe()
        used = {}
        for v in alt.variants:
            vwhat = "branch '%s' of %s" % (v.name, what)
            v.type = self._lookup(v.type_name, v.info, vwhat,
                                  ['built-in', 'enum', 'struct', 'union',
                                   'array'])
            qtype = v.type.qtype()
            if qtype is None:
                err(v.info, "%s cannot be %s" % (vwhat, v.type.describe()))
            # Keyval input gives every scalar as a string, so a string
            # branch also claims numbers and booleans, and an enum claims
            # those its values could be mistaken for.
            claims = {qtype}
            if qtype == 'QTYPE_QSTRING':
                if isinstance(v.type, EnumType):
                    names = v.type.member_names()
                    if any(n in ('on', 'off', 'true', 'false', 'yes', 'no')
                           for n in names):
                        claims.add('QTYPE_QBOOL')
                    if any(re.match(r'^[-+0-9.]', n) for n in names):
                        claims.add('QTYPE_QNUM')
                else:
                    claims |= {'QTYPE_QNUM', 'QTYPE_QBOOL'}
            for q in sorted(claims):
                if q in used:
                    err(v.info, "%s can't be distinguished from branch '%s'"
                        % (vwhat, used[q].name))
            for q in claims:
                used[q] = v

    def _check_command(self, cmd):
        what = cmd.describe()
        if cmd.arg_type_name is not None:
            metas = ['struct', 'union'] if cmd.boxed else ['struct']
            cmd.arg_type = self._lookup(cmd.arg_type_name, cmd.info,
                                        "'data' of " + what, metas, True)
            if not cmd.boxed and cmd.arg_type.variants:
                err(cmd.info, "%s: 'data' with variants needs 'boxed': true"
                    % what)
        if cmd.ret_name is not None:
            cmd.ret_type = self._lookup(cmd.ret_name, cmd.info,
                                        "'returns' of " + what, None)
            rt = cmd.ret_type
            ok = isinstance(rt, ObjectType) or \
                (isinstance(rt, ArrayType) and
                 isinstance(rt.element, ObjectType))
            if not ok and not self.pragma.allows(
                    'command-returns-exceptions', cmd.name):
                err(cmd.info, "%s cannot return %s (only structs and arrays"
                    " of structs, unless listed in pragma "
                    "'command-returns-exceptions')"
                    % (what, rt.describe()))

    def _check_event(self, ev):
        if ev.arg_type_name is not None:
            metas = ['struct', 'union'] if ev.boxed else ['struct']
            ev.arg_type = self._lookup(ev.arg_type_name, ev.info,
                                       "'data' of " + ev.describe(), metas,
                                       True)
            if not ev.boxed and ev.arg_type.variants:
                err(ev.info, "%s: 'data' with variants needs 'boxed': true"
                    % ev.describe())
            members = ev.arg_type.members()
            if not ev.boxed and members and members[-1].ifcond:
                # qapi_event_send_FOO() has no parameter after the
                # members to end its list when the last one is compiled out
                err(ev.info, "the last member of %s must not be conditional"
                    " unless the event is 'boxed'" % ev.describe())

    # --- documentation ---

    def _check_docs(self, exprs):
        for e in exprs:
            info = e.info
            ent = self.by_name[info.defn_name]
            doc = e.doc
            if doc is None:
                if self.pragma.doc_required and not self.pragma.allows(
                        'documentation-exceptions', ent.name):
                    err(info, "documentation comment required for %s"
                        % ent.describe())
                continue
            if doc.symbol != ent.name:
                err(doc.info, "documentation for '%s' is followed by the "
                    "definition of '%s'" % (doc.symbol, ent.name))
            names = self._documentable(ent)
            for name, (dinfo, _) in doc.args.items():
                if name not in names:
                    err(dinfo, "documented member '%s' does not exist in %s"
                        % (name, ent.describe()))
            # features of members are documented with the definition's
            fnames = [f.name for f in ent.features]
            for sub in self._members_of(ent):
                fnames += [f.name for f in sub.features]
            for name, (dinfo, _) in doc.features.items():
                if name not in fnames:
                    err(dinfo, "documented feature '%s' does not exist in "
                        "%s" % (name, ent.describe()))

    def _members_of(self, ent):
        if isinstance(ent, EnumType):
            return ent.members
        if isinstance(ent, ObjectType):
            return ent.members()
        if isinstance(ent, (Command, Event)) and ent.arg_type is not None:
            return ent.arg_type.members()
        return []

    def _documentable(self, ent):
        if isinstance(ent, EnumType):
            return ent.member_names()
        if isinstance(ent, AlternateType):
            return [v.name for v in ent.variants]
        if isinstance(ent, ObjectType):
            names = [m.name for m in ent.local_members]
            if ent.base is not None and ent.base.is_implicit():
                names += [m.name for m in ent.base.local_members]
            return names
        if isinstance(ent, (Command, Event)):
            if ent.arg_type is None:
                return []
            if ent.arg_type.is_implicit() or ent.boxed:
                return [m.name for m in ent.arg_type.members()]
            return [m.name for m in ent.arg_type.members()]
        return []

    # --- helpers for the generators ---

    def user_modules(self):
        return [m for m, _, _ in self.modules]

    def module_includes(self, mod):
        for m, incs, _ in self.modules:
            if m == mod:
                return incs
        return []

    def main_module(self):
        return self.modules[0][0]
