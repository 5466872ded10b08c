/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A boot sector that executes one protected-mode IRET, then writes 'I'
 * to port 0x3f8 and halts.  kvm_pvm cannot emulate that IRET and reports
 * a KVM internal error; hardware KVM gets to the 'I'.  Tests use it to
 * check that the failure is an exit, not a hang.
 */
    .code16
    .globl _start
_start:
    cli
    ljmp    $0, $1f
1:  xorw    %ax, %ax
    movw    %ax, %ds
    movw    %ax, %ss
    movw    $0x7c00, %sp
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
    movw    %ax, %ss
    movl    $0x7c00, %esp
    pushfl
    pushl   $0x08
    pushl   $after_iret
    iretl
after_iret:
    movw    $0x3f8, %dx
    movb    $'I', %al
    outb    %al, %dx
1:  hlt
    jmp     1b

    .p2align 3
gdt:
    .quad   0
    .quad   0x00cf9b000000ffff
    .quad   0x00cf93000000ffff
gdt_end:
gdt_desc:
    .word   gdt_end - gdt - 1
    .long   gdt

    .org    510
    .byte   0x55, 0xaa
