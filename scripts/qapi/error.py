# SPDX-License-Identifier: GPL-2.0-or-later
# Errors of the schema compiler, each tied to a place in a schema file.


class QAPIError(Exception):
    """A schema error: printed as "file:line: message"."""

    def __init__(self, info, msg):
        super().__init__(msg)
        self.info = info
        self.msg = msg

    def __str__(self):
        if self.info is None:
            return self.msg
        return '%s: %s' % (self.info, self.msg)


class SourceInfo:
    """Where an expression starts: file name and line."""

    def __init__(self, fname, line, parent=None):
        self.fname = fname
        self.line = line
        self.parent = parent        # the SourceInfo of the including file
        self.defn_meta = None
        self.defn_name = None
        self.pragma = None

    def at(self, line):
        info = SourceInfo(self.fname, line, self.parent)
        info.pragma = self.pragma
        return info

    def __str__(self):
        return '%s:%d' % (self.fname, self.line)
