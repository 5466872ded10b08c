/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compiler helpers shared by every file.
 */
#ifndef QEMU_COMPILER_H
#define QEMU_COMPILER_H

#define QEMU_PACKED __attribute__((packed))
#define QEMU_NORETURN __attribute__((noreturn))
#define QEMU_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#define QEMU_SENTINEL __attribute__((sentinel))
#define QEMU_ALWAYS_INLINE __attribute__((always_inline))
#define QEMU_FLATTEN __attribute__((flatten))
#define G_NORETURN_FUNC QEMU_NORETURN

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define QEMU_BUILD_BUG_ON(x) _Static_assert(!(x), "build bug: " #x)
#define QEMU_BUILD_BUG_MSG(x, msg) _Static_assert(!(x), msg)

#ifndef container_of
#define container_of(ptr, type, member) ({                          \
        const typeof(((type *) 0)->member) *__mptr = (ptr);         \
        (type *) ((char *) __mptr - offsetof(type, member)); })
#endif

#define sizeof_field(type, field) sizeof(((type *)0)->field)
#define typeof_field(type, field) typeof(((type *)0)->field)

#define stringify(s)  tostring(s)
#define tostring(s)   #s

#define QEMU_FALLTHROUGH __attribute__((fallthrough))

#endif /* QEMU_COMPILER_H */
