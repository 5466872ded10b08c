/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tern machine's PCI host bridge (hw/pci-host/tern-pcihost.c):
 * ports 0xcf8/0xcfc, root bus "pci.0", INTx on ISA lines 10 and 11.
 */
#ifndef HW_PCI_HOST_TERN_PCIHOST_H
#define HW_PCI_HOST_TERN_PCIHOST_H

#define TYPE_TERN_PCIHOST      "tern-pcihost"
#define TYPE_TERN_HOST_BRIDGE  "tern-host-bridge"

#endif /* HW_PCI_HOST_TERN_PCIHOST_H */
