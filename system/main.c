/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main() of tern-system-x86_64: set up, run the main loop, clean up. */
#include "qemu/osdep.h"
#include "system/runstate.h"
#include "system/vl.h"

int main(int argc, char **argv)
{
    int status;

    qemu_init(argc, argv);
    status = qemu_main_loop();
    qemu_cleanup(status);
    return status;
}
