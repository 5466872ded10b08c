#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# QAPI schema compiler: reads a schema (qapi/qapi-schema.json and what it
# includes), checks it, and writes the C types, visitors, command
# marshallers, event senders and introspection data.

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qapi.error import QAPIError  # noqa: E402
from qapi.schema import QAPISchema  # noqa: E402


def main():
    ap = argparse.ArgumentParser(
        description='Generate C code from a QAPI schema.')
    ap.add_argument('schema', help='main schema file')
    ap.add_argument('-o', '--output-dir', default='build/qapi',
                    help='write generated files here (default build/qapi)')
    ap.add_argument('-p', '--prefix', default='',
                    help='prefix for generated file and symbol names')
    ap.add_argument('-b', '--builtins', action='store_true',
                    help='also write the files for built-in types')
    ap.add_argument('-u', '--unmask-non-abi-names', action='store_true',
                    dest='unmask',
                    help='keep type names in the introspection data')
    ap.add_argument('--dump', action='store_true',
                    help='print the checked schema instead of generating')
    ap.add_argument('--list-modules', action='store_true',
                    help='print "MODULE FILE" for each schema file (for '
                    'the build system) instead of generating')
    args = ap.parse_args()

    if args.list_modules:
        from qapi.parser import parse_schema
        try:
            _, modules, _ = parse_schema(args.schema)
        except QAPIError as e:
            print(e, file=sys.stderr)
            return 1
        for mod, _, path in modules:
            print(mod, path)
        return 0

    try:
        schema = QAPISchema(args.schema)
    except QAPIError as e:
        print(e, file=sys.stderr)
        return 1
    if args.dump:
        from qapi.dump import dump_schema
        sys.stdout.write(dump_schema(schema))
        return 0
    from qapi.gen import generate_all
    try:
        generate_all(schema, args.output_dir, args.prefix, args.builtins,
                     args.unmask)
    except QAPIError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print('%s: %s' % (sys.argv[0], e), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
