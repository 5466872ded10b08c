# SPDX-License-Identifier: GPL-2.0-or-later
# Reads schema files: the JSON-like expression syntax, '#' comments, '##'
# documentation blocks, 'include' and 'pragma'.  Produces a flat list of
# definitions (dicts) with their source position, module and doc block.

import os
import re

from .error import QAPIError, SourceInfo

PRAGMA_LISTS = ('command-name-exceptions', 'command-returns-exceptions',
                'member-name-exceptions', 'documentation-exceptions')


class Pragma:
    """The pragmas in force; shared by every file of one schema."""

    def __init__(self):
        self.doc_required = False
        self.lists = {k: set() for k in PRAGMA_LISTS}

    def allows(self, which, name):
        return name in self.lists[which]


class Expr:
    """One top-level definition as read from a file."""

    def __init__(self, expr, info, doc, module):
        self.expr = expr
        self.info = info
        self.doc = doc
        self.module = module


class DocBlock:
    """A '##' block: the symbol it documents (None for free text), the
    '@name:' descriptions of members and of features, and the rest."""

    def __init__(self, info):
        self.info = info
        self.symbol = None
        self.args = {}          # member name -> (line info, text)
        self.features = {}      # feature name -> (line info, text)
        self.sections = []      # (tag or None, text)
        self.body = ''


_SECTION_TAGS = ('Returns', 'Errors', 'Since', 'Notes', 'Note', 'Example',
                 'Examples', 'TODO')


class SchemaParser:
    """Parses one file; parse_schema() drives it over the includes."""

    def __init__(self, fname, text, pragma, parent_info=None):
        self.fname = fname
        self.src = text
        if not self.src.endswith('\n'):
            self.src += '\n'
        self.pragma = pragma
        self.parent_info = parent_info
        self.pos = 0
        self.line = 1
        self.line_pos = 0
        self.tok = None
        self.val = None
        self.tok_line = 1
        self.docs = []          # DocBlocks not yet attached

    def info(self, line=None):
        info = SourceInfo(self.fname, line or self.tok_line,
                          self.parent_info)
        info.pragma = self.pragma
        return info

    def error(self, msg, line=None):
        raise QAPIError(self.info(line), msg)

    # --- lexer ---

    def accept(self, skip_comment=True):
        src = self.src
        while True:
            if self.pos >= len(src):
                self.tok = None
                self.tok_line = self.line
                return
            ch = src[self.pos]
            self.tok_line = self.line
            if ch == '#':
                end = src.find('\n', self.pos)
                if src.startswith('##', self.pos) and \
                        src[self.pos:end].strip() == '##' and \
                        src[self.line_pos:self.pos].strip() == '':
                    self.docs.append(self.read_doc())
                    continue
                self.pos = end
                continue
            if ch == '\n':
                self.pos += 1
                self.line += 1
                self.line_pos = self.pos
                continue
            if ch in ' \t\r':
                self.pos += 1
                continue
            if ch in '{}[],:':
                self.tok = ch
                self.pos += 1
                return
            if ch == "'":
                self.tok = "'"
                self.val = self.read_string()
                return
            m = re.compile(r'[A-Za-z0-9_.+-]+').match(src, self.pos)
            if m:
                word = m.group(0)
                self.pos = m.end()
                if word == 'true':
                    self.tok, self.val = 't', True
                elif word == 'false':
                    self.tok, self.val = 't', False
                else:
                    self.error("stray '%s'" % word)
                return
            self.error("stray '%s'" % ch)

    def read_string(self):
        src = self.src
        out = []
        self.pos += 1
        while True:
            ch = src[self.pos]
            self.pos += 1
            if ch == "'":
                return ''.join(out)
            if ch == '\n':
                self.error('missing terminating "\'"')
            if ch == '\\':
                ch = src[self.pos]
                self.pos += 1
                if ch not in "\\'":
                    self.error("unknown escape \\%s" % ch)
            elif not ' ' <= ch <= '~':
                self.error('non-printable or non-ASCII character in string')
            out.append(ch)

    # --- documentation blocks ---

    def read_doc(self):
        """Read a '##' ... '##' block starting at self.pos."""
        start_line = self.line
        doc = DocBlock(self.info(start_line))
        lines = []
        self.pos = self.src.find('\n', self.pos) + 1
        self.line += 1
        self.line_pos = self.pos
        while True:
            if self.pos >= len(self.src):
                self.error('documentation comment is not terminated',
                           start_line)
            end = self.src.find('\n', self.pos)
            text = self.src[self.pos:end]
            lineno = self.line
            self.pos = end + 1
            self.line += 1
            self.line_pos = self.pos
            stripped = text.strip()
            if stripped == '##':
                break
            if not stripped.startswith('#'):
                self.error("documentation comment must end with '##'",
                           lineno)
            body = stripped[1:]
            if body and body[0] != ' ':
                self.error("missing space after #", lineno)
            lines.append((lineno, body[1:] if body else ''))
        self.parse_doc_lines(doc, lines)
        return doc

    def parse_doc_lines(self, doc, lines):
        if lines and lines[0][1].startswith('@'):
            lineno, text = lines[0]
            m = re.match(r'@([^:\s]+):\s*$', text)
            if not m:
                self.error("line should end with ':'", lineno)
            doc.symbol = m.group(1)
            lines = lines[1:]
        section = 'body'        # 'body', 'args', 'features' or a tag
        current = None          # (dict, name) of the last @name: entry
        text_out = []
        for lineno, text in lines:
            m = re.match(r'@([^:\s]+):(.*)$', text)
            if m and section in ('body', 'args', 'features'):
                name = m.group(1)
                target = doc.features if section == 'features' else doc.args
                if section == 'body':
                    section = 'args'
                    target = doc.args
                if name in target:
                    self.error("'%s' is described twice" % name, lineno)
                target[name] = (self.info(lineno), m.group(2).strip())
                current = (target, name)
                continue
            m = re.match(r'(\w+):(.*)$', text)
            if m and m.group(1) == 'Features' and not m.group(2).strip():
                section = 'features'
                current = None
                continue
            if m and m.group(1) in _SECTION_TAGS:
                section = m.group(1)
                doc.sections.append([section, m.group(2).strip()])
                current = None
                continue
            if current and text.startswith(' ') and text.strip():
                target, name = current
                info, old = target[name]
                target[name] = (info, (old + ' ' + text.strip()).strip())
                continue
            current = None
            if section not in ('body', 'args', 'features'):
                doc.sections[-1][1] += '\n' + text
            else:
                text_out.append(text)
        doc.body = '\n'.join(text_out).strip()

    # --- parser ---

    def get_value(self):
        tok = self.tok
        if tok == '{':
            return self.get_members()
        if tok == '[':
            return self.get_values()
        if tok in ("'", 't'):
            val = self.val
            self.accept()
            return val
        self.error('expected value, got %s' % self.describe())

    def describe(self):
        if self.tok is None:
            return 'end of file'
        if self.tok == "'":
            return "string '%s'" % self.val
        if self.tok == 't':
            return 'boolean'
        return "'%s'" % self.tok

    def get_members(self):
        out = {}
        self.accept()
        if self.tok == '}':
            self.accept()
            return out
        while True:
            if self.tok != "'":
                self.error('expected string or "}", got %s'
                           % self.describe())
            key = self.val
            if key in out:
                self.error("duplicate key '%s'" % key)
            self.accept()
            if self.tok != ':':
                self.error('expected ":", got %s' % self.describe())
            self.accept()
            out[key] = self.get_value()
            if self.tok == '}':
                self.accept()
                return out
            if self.tok != ',':
                self.error('expected "," or "}", got %s' % self.describe())
            self.accept()

    def get_values(self):
        out = []
        self.accept()
        if self.tok == ']':
            self.accept()
            return out
        while True:
            out.append(self.get_value())
            if self.tok == ']':
                self.accept()
                return out
            if self.tok != ',':
                self.error('expected "," or "]", got %s' % self.describe())
            self.accept()

    def top_level(self):
        """Yield (expr dict, info, doc or None) for each expression."""
        self.accept()
        while self.tok is not None:
            line = self.tok_line
            if self.tok != '{':
                self.error('expected "{" at top level, got %s'
                           % self.describe())
            # Doc blocks read before this expression: all but the last
            # are free-form; the last one may document the definition.
            pending = self.docs
            self.docs = []
            expr = self.get_members()
            for doc in pending[:-1]:
                if doc.symbol:
                    raise QAPIError(doc.info,
                                    "documentation for '%s' is not followed"
                                    " by the definition" % doc.symbol)
            doc = pending[-1] if pending and pending[-1].symbol else None
            yield expr, self.info(line), doc
        for doc in self.docs:
            if doc.symbol:
                raise QAPIError(doc.info,
                                "documentation for '%s' is not followed by"
                                " the definition" % doc.symbol)


def _check_pragma(pragma, value, info):
    if not isinstance(value, dict):
        raise QAPIError(info, "value of 'pragma' must be an object")
    for name, val in value.items():
        if name == 'doc-required':
            if not isinstance(val, bool):
                raise QAPIError(info,
                                "pragma 'doc-required' must be boolean")
            pragma.doc_required = val
        elif name in PRAGMA_LISTS:
            if not isinstance(val, list) or \
                    not all(isinstance(v, str) for v in val):
                raise QAPIError(info, "pragma %s must be a list of strings"
                                % name)
            pragma.lists[name].update(val)
        else:
            raise QAPIError(info, "unknown pragma '%s'" % name)


def module_name(fname):
    return os.path.splitext(os.path.basename(fname))[0]


def parse_schema(fname):
    """Parse @fname and everything it includes.  Returns (exprs, modules)
    where modules lists (module name, [included module names]) in the
    order first seen."""
    pragma = Pragma()
    exprs = []
    modules = []
    seen = set()

    def parse_file(path, parent_info):
        try:
            with open(path, encoding='utf-8') as f:
                text = f.read()
        except OSError as e:
            raise QAPIError(parent_info, "can't read %s file '%s': %s"
                            % ('include' if parent_info else 'schema',
                               path, e.strerror))
        mod = module_name(path)
        includes = []
        modules.append((mod, includes, path))
        seen.add(os.path.realpath(path))
        parser = SchemaParser(path, text, pragma, parent_info)
        for expr, info, doc in parser.top_level():
            if 'include' in expr:
                if len(expr) != 1:
                    raise QAPIError(info, "invalid 'include' directive")
                inc = expr['include']
                if not isinstance(inc, str):
                    raise QAPIError(info, "value of 'include' must be a"
                                    " string")
                if doc and doc.symbol:
                    raise QAPIError(doc.info, "documentation for '%s' is"
                                    " not followed by the definition"
                                    % doc.symbol)
                incpath = os.path.join(os.path.dirname(path), inc)
                incmod = module_name(incpath)
                if incmod not in includes:
                    includes.append(incmod)
                if os.path.realpath(incpath) in seen:
                    continue
                if any(m[0] == incmod for m in modules):
                    raise QAPIError(info, "module name '%s' is used twice"
                                    % incmod)
                parse_file(incpath, info)
                continue
            if 'pragma' in expr:
                if len(expr) != 1:
                    raise QAPIError(info, "invalid 'pragma' directive")
                _check_pragma(pragma, expr['pragma'], info)
                continue
            exprs.append(Expr(expr, info, doc, mod))

    parse_file(fname, None)
    return exprs, modules, pragma
