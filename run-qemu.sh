#!/usr/bin/env bash
# run-qemu.sh - boot the hypervisor with a scenario under qemu-system-i386.
# Installs what is missing (Debian), builds, boots, and exits with the
# hypervisor's own verdict. Run with --help for the options.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$top"

usage() {
    cat <<'EOF'
usage: ./run-qemu.sh [scenario] [options]

Boots the hypervisor under qemu-system-i386 (software emulation) with the
scenario test-images/<scenario>.scn (or a path to a .scn file) and the
modules it names, serial console on stdout. Default scenario: demo.

options:
  --iso            boot through GRUB from a rescue ISO instead of -kernel
  --gdb            wait for gdb on localhost:1234 (see README: Debugging)
  --icount         deterministic time: -icount shift=0,sleep=off, so the
                   TSC counts instructions and figures repeat exactly
  --mem N          machine memory in MiB (default 2048)
  --timeout S      kill QEMU after S seconds of wall time (default 600); the
                   hypervisor's own watchdog is set a little below it
  --hv-args "..."  extra hypervisor command-line options (loglvl=debug ...);
                   repeatable, the options add up
  --no-build       do not run make first
  --log FILE       also write the console to FILE
  -h, --help       this text

exit status:
  0 pass (every domain ended as the scenario expects)   1 fail
  2 hypervisor panic    3 hypervisor watchdog           4 bad scenario/module/option
  5 killed after --timeout (hang)                        6 QEMU ended without a verdict
EOF
}

scenario=demo iso=0 gdb=0 icount=0 mem=2048 timeout_s=600 hv_args="" build=1 log=""
while [ $# -gt 0 ]; do
    case "$1" in
    --iso) iso=1 ;;
    --gdb) gdb=1 ;;
    --icount) icount=1 ;;
    --mem) mem=${2:?--mem needs a size in MiB}; shift ;;
    --timeout) timeout_s=${2:?--timeout needs seconds}; shift ;;
    --hv-args) hv_args="${hv_args:+$hv_args }${2?--hv-args needs a string}"; shift ;;
    --no-build) build=0 ;;
    --log) log=${2:?--log needs a file}; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "run-qemu.sh: unknown option '$1' (see --help)" >&2; exit 4 ;;
    *) scenario=$1 ;;
    esac
    shift
done
case "$mem" in ''|*[!0-9]*) echo "run-qemu.sh: --mem '$mem' is not a number of MiB" >&2; exit 4 ;; esac
case "$timeout_s" in ''|*[!0-9]*) echo "run-qemu.sh: --timeout '$timeout_s' is not a number of seconds" >&2; exit 4 ;; esac

# --- Packages -----------------------------------------------------------------
if [ $iso = 1 ]; then tools/install-deps.sh --iso; else tools/install-deps.sh; fi

# --- Build --------------------------------------------------------------------
if [ $build = 1 ]; then
    make -s all >&2
fi

# --- Scenario and its modules -------------------------------------------------
if [ -f "$scenario" ]; then
    scn=$scenario
elif [ -f "test-images/$scenario.scn" ]; then
    scn=test-images/$scenario.scn
else
    echo "run-qemu.sh: no scenario '$scenario' (neither a file nor test-images/$scenario.scn)" >&2
    exit 4
fi

mapfile -t modules < <(tools/scenario-modules.sh "$scn")

hv_cmdline="timeout=$(( timeout_s > 20 ? timeout_s - 10 : timeout_s )) $hv_args"

qemu=(qemu-system-i386 -m "$mem" -display none -serial stdio -monitor none
      -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4)
[ $icount = 1 ] && qemu+=(-icount shift=0,sleep=off)
[ $gdb = 1 ] && {
    qemu+=(-s -S)
    echo "run-qemu.sh: waiting for gdb: gdb build/hv/hv.elf -ex 'target remote :1234'" >&2
}

if [ $iso = 1 ]; then
    iso_file=build/iso/$(basename "$scn" .scn).iso
    mkdir -p build/iso
    tools/mkiso.sh "$scn" "$iso_file" "$hv_cmdline" || exit 4
    qemu+=(-cdrom "$iso_file" -boot d)
else
    initrd=$(printf '%s,' "${modules[@]}")
    qemu+=(-kernel build/hv/hv.elf -append "$hv_cmdline" -initrd "${initrd%,}")
fi

# --- Run ----------------------------------------------------------------------
set +e
if [ -n "$log" ]; then
    timeout --foreground "$timeout_s" "${qemu[@]}" | tee "$log"
    status=${PIPESTATUS[0]}
else
    timeout --foreground "$timeout_s" "${qemu[@]}"
    status=$?
fi
set -e

case $status in
33) exit 0 ;;
35) exit 1 ;;
37) exit 2 ;;
39) exit 3 ;;
41) exit 4 ;;
124) echo "run-qemu.sh: killed after ${timeout_s}s: the run hung" >&2; exit 5 ;;
*) echo "run-qemu.sh: QEMU ended with status $status and no verdict (triple fault or crash?)" >&2; exit 6 ;;
esac
