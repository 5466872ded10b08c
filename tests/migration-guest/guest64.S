/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tern's 64-bit migration test guest: a 512-byte boot sector that enters
 * long mode with 4-level paging and runs the same page loop as guest.S
 * while taking timer interrupts.
 *
 * Real mode -> page tables (PML4 0x1000, PDPT 0x2000, PD 0x3000: the
 * first GiB identity-mapped with 2 MiB pages) -> PAE, EFER.LME, CR0.PG
 * -> 64-bit code.  The 8259 PIC is remapped (IRQ 0-7 to vectors
 * 0x20-0x27, all but IRQ 0 masked), the PIT's channel 0 set to mode 2 at
 * about 1 kHz, and the IDT (0x4000) has one interrupt gate, vector 0x20,
 * whose handler increments the 64-bit tick counter at 0x5000 and sends
 * the EOI.  Then, with interrupts on, forever: `incb` the first byte of
 * every 4 KiB page in [START, END) and write 'B' to 0x3f8 after each
 * pass.  START and END are patched as in guest.S (same header).  The
 * guest writes only the page range, its stack (below 0x7c00), the tick
 * counter and the accessed/dirty bits of its page tables.
 */

    .code16
    .section .text
    .globl _start
_start:
    jmp     entry
    .org    0x04
    .ascii  "TGST"
range_start:
    .long   0x00100000
range_end:
    .long   0x06400000

entry:
    cli
    cld
    ljmp    $0, $real_mode
real_mode:
    xorw    %ax, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %ss
    movw    $0x7c00, %sp

    /* Zero 0x1000-0x5fff: page tables, IDT, tick counter. */
    movw    $0x1000, %di
    movw    $0x2800, %cx
    rep stosw

    movl    $0x2003, 0x1000         /* PML4[0] -> PDPT, present+rw */
    movl    $0x3003, 0x2000         /* PDPT[0] -> PD */
    movw    $0x3000, %di            /* PD: 512 x 2 MiB pages */
    movl    $0x00000083, %eax       /* present, rw, 2 MiB */
    movw    $512, %cx
1:  movl    %eax, (%di)
    addl    $0x200000, %eax
    addw    $8, %di
    loop    1b

    /* IDT vector 0x20: 64-bit interrupt gate to tick, selector 0x08. */
    movw    $tick, 0x4200
    movw    $0x08, 0x4202
    movw    $0x8e00, 0x4204

    /* PIC: ICW1-4, IRQ base 0x20 / 0x28, then mask all but IRQ 0. */
    movb    $0x11, %al
    outb    %al, $0x20
    outb    %al, $0xa0
    movb    $0x20, %al
    outb    %al, $0x21
    movb    $0x28, %al
    outb    %al, $0xa1
    movb    $0x04, %al
    outb    %al, $0x21
    movb    $0x02, %al
    outb    %al, $0xa1
    movb    $0x01, %al
    outb    %al, $0x21
    outb    %al, $0xa1
    movb    $0xfe, %al
    outb    %al, $0x21
    movb    $0xff, %al
    outb    %al, $0xa1

    /* PIT channel 0, mode 2, count 1193 (about 1 kHz). */
    movb    $0x34, %al
    outb    %al, $0x43
    movw    $1193, %ax
    outb    %al, $0x40
    movb    %ah, %al
    outb    %al, $0x40

    /* Long mode: PAE, CR3, EFER.LME, then paging and protection. */
    movl    %cr4, %eax
    orl     $0x20, %eax
    movl    %eax, %cr4
    movl    $0x1000, %eax
    movl    %eax, %cr3
    movl    $0xc0000080, %ecx
    rdmsr
    orl     $0x100, %eax
    wrmsr
    lgdtl   gdt_desc
    movl    %cr0, %eax
    orl     $0x80000001, %eax
    movl    %eax, %cr0
    ljmpl   $0x08, $long_mode

    .code64
long_mode:
    movw    $0x10, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %ss
    movq    $0x7c00, %rsp
    lidt    idt_desc
    sti
    movw    $0x3f8, %dx

pass:
    movl    range_start, %esi
    movl    range_end, %edi
    cmpq    %rdi, %rsi
    jae     done_pass
next_page:
    incb    (%rsi)
    addq    $0x1000, %rsi
    cmpq    %rdi, %rsi
    jb      next_page
done_pass:
    movb    $'B', %al
    outb    %al, %dx
    jmp     pass

tick:
    pushq   %rax
    incq    0x5000
    movb    $0x20, %al
    outb    %al, $0x20
    popq    %rax
    iretq

    .p2align 3
gdt:
    .quad   0
    .quad   0x00af9b000000ffff      /* 0x08: 64-bit code */
    .quad   0x00cf93000000ffff      /* 0x10: data */
gdt_end:
gdt_desc:
    .word   gdt_end - gdt - 1
    .long   gdt
idt_desc:
    .word   0x20 * 16 + 15
    .quad   0x4000

    .org    510
    .byte   0x55, 0xaa
