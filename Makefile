# Makefile - builds the hypervisor (build/hv/hv.elf, with a disassembly and
# a symbol map), the PV test guests, the host unit tests and the GRUB ISO,
# and runs the tests. `make help` lists the targets.

BUILD    ?= build
# `make V=1` shows the commands.
Q        := $(if $(V),,@)
CC       ?= gcc
LD       ?= ld
OBJDUMP  ?= objdump
NM       ?= nm

# --- Hypervisor --------------------------------------------------------------
HV_CFLAGS := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -fno-builtin \
	-fno-strict-aliasing -mgeneral-regs-only -O2 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-Ihv/include -Ihv/arch/x86_32/include -Iinclude -Ilib -MMD -MP
HV_ASFLAGS := -m32 -D__ASSEMBLY__ -Ihv/include -Ihv/arch/x86_32/include \
	-Iinclude -MMD -MP
LIBGCC   := $(shell $(CC) -m32 -print-libgcc-file-name)

HV_COMMON := blkback boot_domains cmdline console domain event_channel kernel \
	mem_sched mem_sharing memory page_alloc scenario sched share_audit share_scan \
	stats timer tmem
KLIB      := arith dom_counts elf32 m2p_list objpool string vsnprintf
HV_ARCH_C := desc domain domain_build hypercall i8259 m2p_view mm mm_audit mm_init \
             pci shadow share_pte virtio_blk \
	multiboot ns16550 paging pv_traps setup shutdown time traps usercopy
HV_ARCH_S := head entry

KLIB_S    := switch_stacks
HV_OBJS := $(HV_ARCH_S:%=$(BUILD)/hv/arch/%.o) \
	$(HV_ARCH_C:%=$(BUILD)/hv/arch/%.o) \
	$(HV_COMMON:%=$(BUILD)/hv/common/%.o) \
	$(KLIB:%=$(BUILD)/hv/lib/%.o) $(KLIB_S:%=$(BUILD)/hv/lib/%.o)

# LZ4 (tmem's compression), from Debian's lz4 source package, which
# tools/install-deps.sh fetches into /usr/src/lz4: lib/lz4.c built
# freestanding, with the hypervisor's memcpy/memset/memmove.
LZ4_TARBALL = $(lastword $(sort $(wildcard /usr/src/lz4/lz4_*.orig.tar.gz)))
LZ4_DIR     := $(BUILD)/lz4
LZ4_CFLAGS  := $(filter-out -Wall -Wextra -Werror -MMD -MP,$(HV_CFLAGS)) -w \
	-DLZ4_FREESTANDING=1 -DLZ4_memcpy=__builtin_memcpy \
	-DLZ4_memset=__builtin_memset -DLZ4_memmove=__builtin_memmove \
	-DLZ4_HEAPMODE=0
HV_OBJS += $(BUILD)/hv/lz4.o

HV_ELF := $(BUILD)/hv/hv.elf

.PHONY: all hv guests iso test unit-test scenario-test clean help qemu qemu-gdb \
	header-check format deps
all: hv guests

hv: $(HV_ELF)

$(HV_ELF): $(HV_OBJS) boot/hv.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_i386 -nostdlib --no-warn-rwx-segments -z noexecstack -T boot/hv.ld -o $@ $(HV_OBJS) $(LIBGCC)
	$(Q)$(OBJDUMP) -d -S $@ > $(BUILD)/hv/hv.asm
	$(Q)$(NM) -n $@ > $(BUILD)/hv/hv.sym

$(LZ4_DIR)/lz4.c $(LZ4_DIR)/lz4.h &:
	@if [ -z "$(LZ4_TARBALL)" ]; then echo "no /usr/src/lz4/lz4_*.orig.tar.gz: run tools/install-deps.sh" >&2; exit 4; fi
	@mkdir -p $(LZ4_DIR)
	@echo "  LZ4     $(LZ4_TARBALL)"
	$(Q)tar -xzf $(LZ4_TARBALL) -C $(LZ4_DIR) --strip-components=2 --wildcards \
		'*/lib/lz4.c' '*/lib/lz4.h' '*/lib/LICENSE'
	$(Q)touch $(LZ4_DIR)/lz4.c $(LZ4_DIR)/lz4.h

$(BUILD)/hv/lz4.o: $(LZ4_DIR)/lz4.c $(LZ4_DIR)/lz4.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(LZ4_CFLAGS) -c $< -o $@

$(BUILD)/hv/common/tmem.o: $(LZ4_DIR)/lz4.h
$(BUILD)/hv/common/tmem.o: HV_CFLAGS += -I$(LZ4_DIR)

$(BUILD)/hv/common/%.o: hv/common/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/lib/%.o: lib/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/hv/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/arch/%.o: hv/arch/x86_32/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/arch/%.o: hv/arch/x86_32/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

-include $(HV_OBJS:.o=.d)

# --- PV guests ------------------------------------------------------------------
GUEST_CFLAGS := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -fno-builtin \
	-fno-strict-aliasing -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Iguest-pv/include -Iinclude -Ilib -MMD -MP
GUEST_ASFLAGS := -m32 -D__ASSEMBLY__ -Iguest-pv/include -Iinclude -MMD -MP
GUEST_LIB_C := cmdline console events mm setup test time traps
GUEST_LIB_S := entry
GUEST_LIB_OBJS := $(GUEST_LIB_C:%=$(BUILD)/guest-pv/lib/%.o) \
	$(GUEST_LIB_S:%=$(BUILD)/guest-pv/lib/%.o) \
	$(KLIB:%=$(BUILD)/guest-pv/klib/%.o) \
	$(KLIB_S:%=$(BUILD)/guest-pv/klib/%.o)
GUEST_HEAD := $(BUILD)/guest-pv/lib/head.o
GUEST_LIB := $(BUILD)/guest-pv/libguest.a

# Test guests: one file each in guest-pv/tests.
GUEST_TESTS := blk crasher crowd events fuzz hello hostile memory mmu repay share tmem user worker
GUEST_TEST_ELFS := $(GUEST_TESTS:%=$(BUILD)/guest-pv/tests/%.elf)

# User programs for the guest kernel, linked with newlib (built once from
# Debian's newlib-source and cached under $(BUILD)/newlib).
include guest-pv/user/Makefile.inc

# Disk images the scenarios attach, generated here.
TEST_IMAGES := $(BUILD)/test-images/pattern.img $(BUILD)/test-images/root-a.img \
	$(BUILD)/test-images/root-b.img $(BUILD)/test-images/evict.img

guests: $(GUEST_TEST_ELFS) $(TEST_IMAGES)

# The host tool that builds pvfs images.
MKPVFS := $(BUILD)/tools/mkpvfs
$(MKPVFS): tools/mkpvfs.c guest-pv/include/pvk/pvfs.h guest-pv/include/pvk/syscall.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -Iguest-pv/include -o $@ $<

# A root file system: /bin (every user program), /tmp (tmpfs goes there),
# /src (a source tree for the workloads, from Debian's newlib-source).
NEWLIB_TARBALL = $(lastword $(sort $(wildcard /usr/src/newlib/newlib-*.tar.xz)))
define make_root_image
	@echo "  PVFS    $@"
	$(Q)rm -rf $@.d && mkdir -p $@.d/bin $@.d/tmp $@.d/src
	$(Q)cp $(USER_PROG_ELFS) $@.d/bin/
	$(Q)tar xJf $(NEWLIB_TARBALL) -C $@.d/src --strip-components=3 \
		$(addprefix newlib-salsa/newlib/libc/,$(1))
	$(Q)$(MKPVFS) $@ $@.d > /dev/null
endef

# Image a: libc's string, stdlib, ctype and search sources.
$(BUILD)/test-images/root-a.img: $(MKPVFS) $(USER_PROG_ELFS)
	$(call make_root_image,string stdlib ctype search)

# /bin and /data/big: 24 MiB in which word w holds w * 2654435761 (evicttest).
BIG_PATTERN_PL := use integer; for my $$c (0 .. 95) { print pack("V*", map { ($$_ * 2654435761) & 0xffffffff } ($$c * 65536 .. $$c * 65536 + 65535)) }
$(BUILD)/test-images/evict.img: $(MKPVFS) $(USER_PROG_ELFS)
	@echo "  PVFS    $@"
	$(Q)rm -rf $@.d && mkdir -p $@.d/bin $@.d/tmp $@.d/data
	$(Q)cp $(USER_PROG_ELFS) $@.d/bin/
	$(Q)perl -e '$(BIG_PATTERN_PL)' > $@.d/data/big
	$(Q)$(MKPVFS) $@ $@.d > /dev/null

# Image b: other libc sources (stdio, time, locale, reent, misc, argz).
$(BUILD)/test-images/root-b.img: $(MKPVFS) $(USER_PROG_ELFS)
	$(call make_root_image,stdio time locale reent misc argz)

# 5.5 sectors of 4 KiB in which 32-bit word w holds w (blk test).
$(BUILD)/test-images/pattern.img:
	@mkdir -p $(dir $@)
	$(Q)perl -e 'print pack("V*", 0 .. 5 * 1024 + 511)' > $@

$(GUEST_LIB): $(GUEST_LIB_OBJS)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/guest-pv/tests/%.elf: $(BUILD)/guest-pv/tests/%.o $(GUEST_HEAD) \
		$(GUEST_LIB) guest-pv/guest.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments -T guest-pv/guest.ld -o $@ \
		$(GUEST_HEAD) $< $(GUEST_LIB) $(LIBGCC)

$(BUILD)/guest-pv/%.o: guest-pv/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest-pv/%.o: guest-pv/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(BUILD)/guest-pv/klib/%.o: lib/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(BUILD)/guest-pv/klib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

# The guest kernel (pvk).
KERNEL_SRCS := balloon blkfront cleancache exec main page pagecache proc pt_pv pvfs rmap share swap syscall \
	tmpfs trap vfs vm
KERNEL_OBJS := $(KERNEL_SRCS:%=$(BUILD)/guest-pv/kernel/%.o)
KERNEL_ELF  := $(BUILD)/guest-pv/pvk.elf

guests: $(KERNEL_ELF)

$(KERNEL_ELF): $(KERNEL_OBJS) $(GUEST_HEAD) $(GUEST_LIB) guest-pv/guest.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments \
		-T guest-pv/guest.ld -o $@ $(GUEST_HEAD) $(KERNEL_OBJS) \
		$(GUEST_LIB) $(LIBGCC)

$(BUILD)/guest-pv/kernel/%.o: guest-pv/kernel/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -mgeneral-regs-only -c $< -o $@

-include $(GUEST_LIB_OBJS:.o=.d) $(GUEST_TEST_ELFS:.elf=.d) $(KERNEL_OBJS:.o=.d)

# --- Tests --------------------------------------------------------------------
# Host unit tests for the pure code (tests/unit), then one scenario test per
# test-images/*.scn, all under one prove run. Each scenario gets a generated
# wrapper so that prove can run it as an executable.
-include tests/unit/Makefile.inc
SCENARIOS      := $(sort $(wildcard test-images/*.scn))
SCENARIO_TESTS := $(SCENARIOS:test-images/%.scn=$(BUILD)/tests/scenario/%.t)
PROVE_JOBS     ?= 2

$(BUILD)/tests/scenario/%.t: test-images/%.scn
	@mkdir -p $(dir $@)
	$(Q)printf '#!/bin/sh\n# generated by make from $<: do not edit\nexec tests/run-scenario $<\n' > $@
	$(Q)chmod +x $@

deps:
	$(Q)tools/install-deps.sh --test

test: deps
	$(Q)$(MAKE) -s all $(UNIT_TESTS) $(SCENARIO_TESTS)
	$(Q)$(MAKE) -s header-check
	prove -j$(PROVE_JOBS) --exec '' $(UNIT_TESTS) $(SCENARIO_TESTS)

scenario-test: all $(SCENARIO_TESTS)
	prove -j$(PROVE_JOBS) --exec '' $(SCENARIO_TESTS)

# The GRUB rescue ISO of the default demo (./run-qemu.sh --iso boots it).
iso: all
	$(Q)tools/install-deps.sh --iso
	$(Q)mkdir -p $(BUILD)/iso
	$(Q)tools/mkiso.sh test-images/demo.scn $(BUILD)/iso/demo.iso
	@echo "  ISO     $(BUILD)/iso/demo.iso"

qemu: all
	./run-qemu.sh --no-build

qemu-gdb: all
	./run-qemu.sh --no-build --gdb

# Every header must compile on its own (it includes what it uses).
HV_HEADERS    := $(wildcard hv/include/hv/*.h hv/arch/x86_32/include/asm/*.h \
	include/public/*.h lib/*.h)
GUEST_HEADERS := $(wildcard guest-pv/include/guest/*.h guest-pv/include/pvk/*.h)
header-check:
	$(Q)for h in $(HV_HEADERS); do \
		echo "#include \"$$h\"" | $(CC) $(HV_CFLAGS) -I. -x c -fsyntax-only - \
			|| { echo "header-check: $$h"; exit 1; }; done
	$(Q)for h in $(GUEST_HEADERS); do \
		echo "#include \"$$h\"" | $(CC) $(GUEST_CFLAGS) -I. -x c -fsyntax-only - \
			|| { echo "header-check: $$h"; exit 1; }; done
	@echo "header-check: $(words $(HV_HEADERS) $(GUEST_HEADERS)) headers compile alone"

# Apply .clang-format to the C sources (review the diff before committing).
format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)/hv $(BUILD)/guest-pv $(BUILD)/tests $(BUILD)/iso

help:
	@echo "make            build the hypervisor and the guests"
	@echo "make test       install what is missing, run unit and scenario tests"
	@echo "make iso        GRUB rescue ISO of the default scenario"
	@echo "make qemu       boot the default demo (same as ./run-qemu.sh)"
	@echo "make qemu-gdb   boot it waiting for gdb on :1234"
	@echo "make header-check  compile every header on its own"

# Keep intermediate objects (tests link from them).
.SECONDARY:
