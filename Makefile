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

HV_COMMON := boot_domains cmdline console domain elf event_channel kernel \
	memory page_alloc scenario sched stats timer
KLIB      := string vsnprintf
HV_ARCH_C := desc domain domain_build hypercall i8259 mm mm_audit mm_init \
	multiboot ns16550 paging pv_traps setup shutdown time traps usercopy
HV_ARCH_S := head entry

HV_OBJS := $(HV_ARCH_S:%=$(BUILD)/hv/arch/%.o) \
	$(HV_ARCH_C:%=$(BUILD)/hv/arch/%.o) \
	$(HV_COMMON:%=$(BUILD)/hv/common/%.o) \
	$(KLIB:%=$(BUILD)/hv/lib/%.o)

HV_ELF := $(BUILD)/hv/hv.elf

.PHONY: all hv guests iso test unit-test scenario-test clean help qemu qemu-gdb \
	header-check format
all: hv guests

hv: $(HV_ELF)

$(HV_ELF): $(HV_OBJS) boot/hv.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_i386 -nostdlib --no-warn-rwx-segments -z noexecstack -T boot/hv.ld -o $@ $(HV_OBJS) $(LIBGCC)
	$(Q)$(OBJDUMP) -d -S $@ > $(BUILD)/hv/hv.asm
	$(Q)$(NM) -n $@ > $(BUILD)/hv/hv.sym

$(BUILD)/hv/common/%.o: hv/common/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

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
	$(KLIB:%=$(BUILD)/guest-pv/klib/%.o)
GUEST_HEAD := $(BUILD)/guest-pv/lib/head.o
GUEST_LIB := $(BUILD)/guest-pv/libguest.a

# Test guests: one file each in guest-pv/tests.
GUEST_TESTS := crasher events hello hostile memory mmu user worker
GUEST_TEST_ELFS := $(GUEST_TESTS:%=$(BUILD)/guest-pv/tests/%.elf)

guests: $(GUEST_TEST_ELFS)

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

$(BUILD)/guest-pv/klib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

-include $(GUEST_LIB_OBJS:.o=.d) $(GUEST_TEST_ELFS:.elf=.d)

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
