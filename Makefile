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
	-Ihv/include -Ihv/arch/x86_32/include -Iinclude -MMD -MP
HV_ASFLAGS := -m32 -D__ASSEMBLY__ -Ihv/include -Ihv/arch/x86_32/include \
	-Iinclude -MMD -MP
LIBGCC   := $(shell $(CC) -m32 -print-libgcc-file-name)

HV_COMMON := boot_domains cmdline console domain elf event_channel kernel \
	memory page_alloc scenario sched stats string timer vsnprintf
HV_ARCH_C := desc domain domain_build hypercall i8259 mm mm_audit mm_init \
	multiboot ns16550 paging pv_traps setup shutdown time traps usercopy
HV_ARCH_S := head entry

HV_OBJS := $(HV_ARCH_S:%=$(BUILD)/hv/arch/%.o) \
	$(HV_ARCH_C:%=$(BUILD)/hv/arch/%.o) \
	$(HV_COMMON:%=$(BUILD)/hv/common/%.o)

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

$(BUILD)/hv/arch/%.o: hv/arch/x86_32/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/arch/%.o: hv/arch/x86_32/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

-include $(HV_OBJS:.o=.d)

clean:
	rm -rf $(BUILD)/hv $(BUILD)/guest-pv $(BUILD)/tests $(BUILD)/iso

help:
	@echo "make            build the hypervisor and the guests"
	@echo "make test       install what is missing, run unit and scenario tests"
	@echo "make iso        GRUB rescue ISO of the default scenario"
	@echo "make qemu       boot the default demo (same as ./run-qemu.sh)"
	@echo "make qemu-gdb   boot it waiting for gdb on :1234"
	@echo "make header-check  compile every header on its own"
