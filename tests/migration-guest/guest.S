/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tern's migration test guest: a 512-byte x86 boot sector.
 *
 * It enters 32-bit protected mode with flat segments, then loops forever
 * incrementing the first byte of every 4 KiB page in [START, END) and
 * writing 'B' to the serial port (0x3f8) after each full pass.  START and
 * END are little-endian u32 values at fixed offsets (see README.md) so
 * tests can patch them.  The guest never writes memory outside that range
 * (no stack use, GDT accessed bits preset), never enables interrupts and
 * never executes IRET.
 */

    .code16
    .section .text
    .globl _start
_start:
    jmp     entry                   /* 0x00: short jump over the header */
    .org    0x04
magic:
    .ascii  "TGST"                  /* 0x04: magic, checked by patch tools */
range_start:
    .long   0x00100000              /* 0x08: START, inclusive (1 MiB) */
range_end:
    .long   0x06400000              /* 0x0c: END, exclusive (100 MiB) */

entry:
    cli
    cld
    /* BIOSes enter with 0000:7c00 or 07c0:0000; make CS zero. */
    ljmp    $0, $real_mode
real_mode:
    xorw    %ax, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %ss
    movw    $0x7c00, %sp

    /* Fast A20: set bit 1 of port 0x92, never bit 0 (that resets). */
    inb     $0x92, %al
    orb     $0x02, %al
    andb    $0xfe, %al
    outb    %al, $0x92

    lgdtl   gdt_desc
    movl    %cr0, %eax
    orl     $1, %eax
    movl    %eax, %cr0
    ljmpl   $0x08, $prot_mode

    .code32
prot_mode:
    movw    $0x10, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %fs
    movw    %ax, %gs
    movw    %ax, %ss
    movl    $0x7c00, %esp
    movw    $0x3f8, %dx

pass:
    movl    range_start, %esi
    movl    range_end, %edi
    cmpl    %edi, %esi
    jae     done_pass               /* empty range: just report passes */
next_page:
    incb    (%esi)
    addl    $0x1000, %esi
    cmpl    %edi, %esi
    jb      next_page
done_pass:
    movb    $'B', %al
    outb    %al, %dx
    jmp     pass

    /*
     * Flat GDT.  The accessed bit is preset in both descriptors so that
     * loading a selector never makes the CPU write to this page.
     */
    .p2align 3
gdt:
    .quad   0                       /* null */
    .quad   0x00cf9b000000ffff      /* 0x08: code, base 0, 4 GiB, 32-bit */
    .quad   0x00cf93000000ffff      /* 0x10: data, base 0, 4 GiB, 32-bit */
gdt_end:
gdt_desc:
    .word   gdt_end - gdt - 1
    .long   gdt

    .org    510
    .byte   0x55, 0xaa
