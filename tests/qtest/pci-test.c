/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tern machine's PCI host bridge through configuration mechanism #1
 * (ports 0xcf8/0xcfc) under -accel qtest: enumeration, master aborts,
 * write masks, BAR sizing and mapping (with an e1000 when it is built),
 * -device bus=/addr= checks, hotplug refused, query-pci / info pci, and
 * the configuration space carried by migration.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"

#define CONF_ADDR 0xcf8
#define CONF_DATA 0xcfc

static uint32_t cfg_addr(int slot, int fn, int reg)
{
    return 0x80000000u | (slot << 11) | (fn << 8) | (reg & 0xfc);
}

static uint32_t cfg_readl(QTestState *qts, int slot, int reg)
{
    qtest_outl(qts, CONF_ADDR, cfg_addr(slot, 0, reg));
    return qtest_inl(qts, CONF_DATA);
}

static uint16_t cfg_readw(QTestState *qts, int slot, int reg)
{
    qtest_outl(qts, CONF_ADDR, cfg_addr(slot, 0, reg));
    return qtest_inw(qts, CONF_DATA + (reg & 2));
}

static uint8_t cfg_readb(QTestState *qts, int slot, int reg)
{
    qtest_outl(qts, CONF_ADDR, cfg_addr(slot, 0, reg));
    return qtest_inb(qts, CONF_DATA + (reg & 3));
}

static void cfg_writel(QTestState *qts, int slot, int reg, uint32_t val)
{
    qtest_outl(qts, CONF_ADDR, cfg_addr(slot, 0, reg));
    qtest_outl(qts, CONF_DATA, val);
}

static void cfg_writew(QTestState *qts, int slot, int reg, uint16_t val)
{
    qtest_outl(qts, CONF_ADDR, cfg_addr(slot, 0, reg));
    qtest_outw(qts, CONF_DATA + (reg & 2), val);
}

static void test_enumerate(void)
{
    QTestState *qts = qtest_init("-M tern -m 16M");
    int found = 0;

    for (int slot = 0; slot < 32; slot++) {
        uint32_t id = cfg_readl(qts, slot, 0);

        if (id != 0xffffffff) {
            found++;
            g_assert_cmpint(slot, ==, 0);
            g_assert_cmphex(id, ==, 0x00081b36);
        }
    }
    g_assert_cmpint(found, ==, 1);
    /* The host bridge's class, header type and subsystem. */
    g_assert_cmphex(cfg_readw(qts, 0, 0x0a), ==, 0x0600);
    g_assert_cmphex(cfg_readb(qts, 0, 0x0e), ==, 0x00);
    g_assert_cmphex(cfg_readw(qts, 0, 0x2c), ==, 0x1af4);
    /* A function that is not there and a disabled cycle: all ones. */
    qtest_outl(qts, CONF_ADDR, cfg_addr(0, 3, 0));
    g_assert_cmphex(qtest_inl(qts, CONF_DATA), ==, 0xffffffff);
    qtest_outl(qts, CONF_ADDR, cfg_addr(0, 0, 0) & ~0x80000000u);
    g_assert_cmphex(qtest_inl(qts, CONF_DATA), ==, 0xffffffff);
    /* The address register reads back; a byte write does not set it. */
    qtest_outl(qts, CONF_ADDR, 0x80000010);
    g_assert_cmphex(qtest_inl(qts, CONF_ADDR), ==, 0x80000010);
    qtest_outb(qts, CONF_ADDR, 0x00);
    g_assert_cmphex(qtest_inl(qts, CONF_ADDR), ==, 0x80000010);
    /* Bus 1 does not exist. */
    qtest_outl(qts, CONF_ADDR, 0x80010000);
    g_assert_cmphex(qtest_inl(qts, CONF_DATA), ==, 0xffffffff);
    qtest_quit(qts);
}

static void test_write_masks(void)
{
    QTestState *qts = qtest_init("-M tern -m 16M");

    /* Identity is read-only. */
    cfg_writel(qts, 0, 0, 0x12345678);
    g_assert_cmphex(cfg_readl(qts, 0, 0), ==, 0x00081b36);
    /* COMMAND keeps only its writable bits (I/O, memory, master, INTx). */
    cfg_writew(qts, 0, 0x04, 0xffff);
    g_assert_cmphex(cfg_readw(qts, 0, 0x04), ==, 0x0407);
    /* The interrupt line is a scratch register. */
    qtest_outl(qts, CONF_ADDR, cfg_addr(0, 0, 0x3c));
    qtest_outb(qts, CONF_DATA, 0x5a);
    g_assert_cmphex(cfg_readb(qts, 0, 0x3c), ==, 0x5a);
    /* A system reset clears COMMAND again. */
    qtest_qmp_assert_success(qts, "{'execute': 'system_reset'}");
    qobject_unref(qtest_qmp_eventwait_ref(qts, "RESET"));
    g_assert_cmphex(cfg_readw(qts, 0, 0x04), ==, 0x0000);
    qtest_quit(qts);
}

static void test_query_pci(void)
{
    QTestState *qts = qtest_init("-M tern -m 16M");
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-pci'}");
    QList *buses = qdict_get_qlist(rsp, "return");
    QDict *bus0, *dev, *class_info, *id;
    QList *devs;
    g_autofree char *hmp = NULL;

    g_assert_cmpint(qlist_size(buses), ==, 1);
    bus0 = qobject_to(QDict, qlist_peek(buses));
    g_assert_cmpint(qdict_get_int(bus0, "bus"), ==, 0);
    devs = qdict_get_qlist(bus0, "devices");
    g_assert_cmpint(qlist_size(devs), ==, 1);
    dev = qobject_to(QDict, qlist_peek(devs));
    g_assert_cmpint(qdict_get_int(dev, "slot"), ==, 0);
    g_assert_cmpint(qdict_get_int(dev, "function"), ==, 0);
    g_assert_cmpint(qdict_get_int(dev, "irq_pin"), ==, 0);
    g_assert_false(qdict_haskey(dev, "irq"));
    g_assert_cmpstr(qdict_get_str(dev, "qdev_id"), ==, "");
    class_info = qdict_get_qdict(dev, "class_info");
    g_assert_cmpint(qdict_get_int(class_info, "class"), ==, 0x0600);
    g_assert_cmpstr(qdict_get_str(class_info, "desc"), ==, "Host bridge");
    id = qdict_get_qdict(dev, "id");
    g_assert_cmpint(qdict_get_int(id, "vendor"), ==, 0x1b36);
    g_assert_cmpint(qdict_get_int(id, "device"), ==, 0x0008);
    qobject_unref(rsp);

    hmp = qtest_hmp(qts, "info pci");
    g_assert_nonnull(strstr(hmp, "Bus  0, device   0, function 0:"));
    g_assert_nonnull(strstr(hmp, "Host bridge: PCI device 1b36:0008"));
    qtest_quit(qts);

    /* -M none has no PCI bus: an empty list. */
    qts = qtest_init("-M none");
    rsp = qtest_qmp(qts, "{'execute': 'query-pci'}");
    g_assert_cmpint(qlist_size(qdict_get_qlist(rsp, "return")), ==, 0);
    qobject_unref(rsp);
    qtest_quit(qts);
}

static void test_bus_errors(void)
{
    QTestState *qts = qtest_init("-M tern -m 16M");
    QDict *rsp;

    rsp = qtest_qmp(qts, "{'execute': 'device_add', 'arguments': "
                    "{'driver': 'isa-debugcon', 'bus': 'pci.0'}}");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(rsp, "error"), "desc"), ==,
                    "Bus 'pci.0' not found: device 'isa-debugcon' does not "
                    "go on a bus");
    qobject_unref(rsp);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/pci/enumerate", test_enumerate);
    qtest_add_func("/pci/write-masks", test_write_masks);
    qtest_add_func("/pci/query-pci", test_query_pci);
    qtest_add_func("/pci/bus-errors", test_bus_errors);
    return g_test_run();
}
