/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Register offsets and bits of the Intel 8254x (e1000) family that the
 * 82540EM model uses, from Intel's Software Developer's Manual.
 */
#ifndef HW_NET_E1000_REGS_H
#define HW_NET_E1000_REGS_H

/* Register offsets (bytes into BAR 0). */
#define E1000_CTRL     0x00000
#define E1000_STATUS   0x00008
#define E1000_EECD     0x00010
#define E1000_EERD     0x00014
#define E1000_CTRL_EXT 0x00018
#define E1000_MDIC     0x00020
#define E1000_FCAL     0x00028
#define E1000_FCAH     0x0002C
#define E1000_FCT      0x00030
#define E1000_VET      0x00038
#define E1000_ICR      0x000C0
#define E1000_ITR      0x000C4
#define E1000_ICS      0x000C8
#define E1000_IMS      0x000D0
#define E1000_IMC      0x000D8
#define E1000_RCTL     0x00100
#define E1000_FCTTV    0x00170
#define E1000_TXCW     0x00178
#define E1000_RXCW     0x00180
#define E1000_TCTL     0x00400
#define E1000_TIPG     0x00410
#define E1000_LEDCTL   0x00E00
#define E1000_PBA      0x01000
#define E1000_FCRTL    0x02160
#define E1000_FCRTH    0x02168
#define E1000_RDBAL    0x02800
#define E1000_RDBAH    0x02804
#define E1000_RDLEN    0x02808
#define E1000_RDH      0x02810
#define E1000_RDT      0x02818
#define E1000_RDTR     0x02820
#define E1000_RADV     0x0282C
#define E1000_RSRPD    0x02C00
#define E1000_TDBAL    0x03800
#define E1000_TDBAH    0x03804
#define E1000_TDLEN    0x03808
#define E1000_TDH      0x03810
#define E1000_TDT      0x03818
#define E1000_TIDV     0x03820
#define E1000_TXDCTL   0x03828
#define E1000_TADV     0x0382C
#define E1000_STATS    0x04000     /* statistics: 0x4000-0x40FF */
#define E1000_CRCERRS  0x04000
#define E1000_MPC      0x04010
#define E1000_COLC     0x04028
#define E1000_GPRC     0x04074
#define E1000_BPRC     0x04078
#define E1000_MPRC     0x0407C
#define E1000_GPTC     0x04080
#define E1000_GORCL    0x04088
#define E1000_GORCH    0x0408C
#define E1000_GOTCL    0x04090
#define E1000_GOTCH    0x04094
#define E1000_RNBC     0x040A0
#define E1000_TORL     0x040C0
#define E1000_TORH     0x040C4
#define E1000_TOTL     0x040C8
#define E1000_TOTH     0x040CC
#define E1000_TPR      0x040D0
#define E1000_TPT      0x040D4
#define E1000_MPTC     0x040F0
#define E1000_BPTC     0x040F4
#define E1000_STATS_END 0x04100
#define E1000_RXCSUM   0x05000
#define E1000_MTA      0x05200     /* 128 entries */
#define E1000_RA       0x05400     /* 16 pairs (RAL, RAH) */
#define E1000_VFTA     0x05600     /* 128 entries */
#define E1000_WUC      0x05800
#define E1000_WUFC     0x05808
#define E1000_MANC     0x05820
#define E1000_MMIO_SIZE 0x20000
/* mac_reg covers offsets below this. */
#define E1000_SWSM     0x05B50     /* software semaphore */
#define E1000_REGS_END 0x05C00

/* CTRL */
#define E1000_CTRL_FD      0x00000001
#define E1000_CTRL_SLU     0x00000040
#define E1000_CTRL_SPD_1000 0x00000200
#define E1000_CTRL_SWDPIN0 0x00040000
#define E1000_CTRL_SWDPIN2 0x00100000
#define E1000_CTRL_RST     0x04000000
#define E1000_CTRL_VME     0x40000000
#define E1000_CTRL_PHY_RST 0x80000000

/* STATUS */
#define E1000_STATUS_FD    0x00000001
#define E1000_STATUS_LU    0x00000002
#define E1000_STATUS_SPEED_1000 0x00000080
#define E1000_STATUS_ASDV  0x00000300
#define E1000_STATUS_MTXCKOK 0x00000400

/* EECD: the Microwire EEPROM pins. */
#define E1000_EECD_SK      0x00000001
#define E1000_EECD_CS      0x00000002
#define E1000_EECD_DI      0x00000004
#define E1000_EECD_DO      0x00000008
#define E1000_EECD_FWE_MASK 0x00000030
#define E1000_EECD_REQ     0x00000040
#define E1000_EECD_GNT     0x00000080
#define E1000_EECD_PRES    0x00000100
#define EEPROM_READ_OPCODE_MICROWIRE 0x6
#define EEPROM_CHECKSUM_REG 0x3f
#define EEPROM_SUM         0xBABA

/* EERD */
#define E1000_EEPROM_RW_REG_START  1
#define E1000_EEPROM_RW_REG_DONE   0x10
#define E1000_EEPROM_RW_ADDR_SHIFT 8
#define E1000_EEPROM_RW_REG_DATA   16

/* MDIC */
#define E1000_MDIC_DATA_MASK 0x0000FFFF
#define E1000_MDIC_REG_SHIFT 16
#define E1000_MDIC_PHY_SHIFT 21
#define E1000_MDIC_OP_WRITE  0x04000000
#define E1000_MDIC_OP_READ   0x08000000
#define E1000_MDIC_READY     0x10000000
#define E1000_MDIC_INT_EN    0x20000000
#define E1000_MDIC_ERROR     0x40000000

/* PHY registers (M88E1011) */
#define PHY_CTRL         0x00
#define PHY_STATUS       0x01
#define PHY_ID1          0x02
#define PHY_ID2          0x03
#define PHY_AUTONEG_ADV  0x04
#define PHY_LP_ABILITY   0x05
#define PHY_1000T_CTRL   0x09
#define PHY_1000T_STATUS 0x0A
#define M88E1000_PHY_SPEC_CTRL 0x10
#define M88E1000_PHY_SPEC_STATUS 0x11
#define M88E1000_EXT_PHY_SPEC_CTRL 0x14
#define MII_SR_LINK_STATUS 0x0004
#define MII_SR_AUTONEG_COMPLETE 0x0020
#define MII_CR_RESET     0x8000
#define MII_CR_RESTART_AUTO_NEG 0x0200

/* Interrupt causes (ICR/ICS/IMS/IMC) */
#define E1000_ICR_TXDW   0x00000001
#define E1000_ICR_TXQE   0x00000002
#define E1000_ICR_LSC    0x00000004
#define E1000_ICR_RXSEQ  0x00000008
#define E1000_ICR_RXDMT0 0x00000010
#define E1000_ICR_RXO    0x00000040
#define E1000_ICR_RXT0   0x00000080
#define E1000_ICR_MDAC   0x00000200

/* RCTL */
#define E1000_RCTL_EN    0x00000002
#define E1000_RCTL_SBP   0x00000004
#define E1000_RCTL_UPE   0x00000008
#define E1000_RCTL_MPE   0x00000010
#define E1000_RCTL_LPE   0x00000020
#define E1000_RCTL_RDMTS_SHIFT 8
#define E1000_RCTL_MO_SHIFT 12
#define E1000_RCTL_BAM   0x00008000
#define E1000_RCTL_SZ_SHIFT 16
#define E1000_RCTL_VFE   0x00040000
#define E1000_RCTL_BSEX  0x02000000
#define E1000_RCTL_SECRC 0x04000000

/* TCTL */
#define E1000_TCTL_EN    0x00000002
#define E1000_TCTL_PSP   0x00000008

/* RAH */
#define E1000_RAH_AV     0x80000000

/* TX descriptor: lower.data command and type bits */
#define E1000_TXD_DTYP_D   0x00100000
#define E1000_TXD_CMD_EOP  0x01000000
#define E1000_TXD_CMD_IFCS 0x02000000
#define E1000_TXD_CMD_IC   0x04000000
#define E1000_TXD_CMD_RS   0x08000000
#define E1000_TXD_CMD_RPS  0x10000000
#define E1000_TXD_CMD_DEXT 0x20000000
#define E1000_TXD_CMD_VLE  0x40000000
#define E1000_TXD_CMD_IDE  0x80000000
#define E1000_TXD_CMD_TSE  0x04000000   /* in a data/context descriptor */
#define E1000_TXD_CMD_TCP  0x01000000   /* context: TCP, else UDP */
#define E1000_TXD_CMD_IP   0x02000000   /* context: IPv4 */
#define E1000_TXD_STAT_DD  0x00000001
#define E1000_TXD_POPTS_IXSM 0x01
#define E1000_TXD_POPTS_TXSM 0x02

/* RX descriptor status */
#define E1000_RXD_STAT_DD  0x01
#define E1000_RXD_STAT_EOP 0x02
#define E1000_RXD_STAT_IXSM 0x04
#define E1000_RXD_STAT_VP  0x08

#endif /* HW_NET_E1000_REGS_H */
