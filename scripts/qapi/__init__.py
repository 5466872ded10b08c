# SPDX-License-Identifier: GPL-2.0-or-later
# Tern's QAPI schema compiler (see docs/devel/qapi-code-gen.md).
