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
scenario test-images/<scenario>.scn (or a path to a .scn file), the
modules it names, and its disks as virtio-blk drives (disk= images
read-only; cowdisk= overlays and wdisk= blank disks made afresh for the
run in build/disks/, removed after), serial console on stdout. Default
scenario: demo.

options:
  --iso            boot through GRUB from a rescue ISO instead of -kernel
  --gdb            wait for gdb on localhost:1234 (see README: Debugging)
  --icount         deterministic time: -icount shift=0,sleep=off, so the
                   TSC counts instructions and figures repeat exactly
  --mem N          machine memory in MiB (default: the scenario's
                   "# machine-mem: N" line, else 2048)
  --timeout S      kill QEMU after S seconds of wall time (default 600); the
                   hypervisor's own watchdog is set a little below it
  --hv-args "..."  extra hypervisor command-line options (loglvl=debug ...);
                   repeatable, the options add up
  --no-build       do not run make first
  --log FILE       also write the console to FILE
  --ctl PORT       a control port on 127.0.0.1:PORT (the machine's second
                   serial port): each line sent there is a console command,
                   e.g. tools/hv-ctl.sh PORT "mem-set d2 16M"
  -h, --help       this text

exit status:
  0 pass (every domain ended as the scenario expects)   1 fail
  2 hypervisor panic    3 hypervisor watchdog           4 bad scenario/module/option
  5 killed after --timeout (hang)                        6 QEMU ended without a verdict
EOF
}

scenario=demo iso=0 gdb=0 icount=0 mem="" timeout_s=600 hv_args="" build=1 log="" ctl=""
# value OPTION WHAT "$@": the option's value, or exit 4 naming what it needs.
value() {
    [ $# -ge 3 ] || { echo "run-qemu.sh: $1 needs $2 (see --help)" >&2; exit 4; }
    printf '%s' "$3"
}
while [ $# -gt 0 ]; do
    case "$1" in
    --iso) iso=1 ;;
    --gdb) gdb=1 ;;
    --icount) icount=1 ;;
    --mem) mem=$(value "$1" "a size in MiB" "${@:2}"); shift ;;
    --timeout) timeout_s=$(value "$1" "a number of seconds" "${@:2}"); shift ;;
    --hv-args) a=$(value "$1" "a string of options" "${@:2}"); hv_args="${hv_args:+$hv_args }$a"; shift ;;
    --no-build) build=0 ;;
    --log) log=$(value "$1" "a file name" "${@:2}"); shift ;;
    --ctl) ctl=$(value "$1" "a TCP port" "${@:2}"); shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "run-qemu.sh: unknown option '$1' (see --help)" >&2; exit 4 ;;
    *) scenario=$1 ;;
    esac
    shift
done
case "$mem" in *[!0-9]*) echo "run-qemu.sh: --mem '$mem' is not a number of MiB" >&2; exit 4 ;; esac
case "$timeout_s" in ''|*[!0-9]*) echo "run-qemu.sh: --timeout '$timeout_s' is not a number of seconds" >&2; exit 4 ;; esac
case "$ctl" in *[!0-9]*) echo "run-qemu.sh: --ctl '$ctl' is not a port number" >&2; exit 4 ;; esac

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
# The disks: QEMU drives; the writable ones in a folder of this run's.
disk_dir=build/disks/$(basename "$scn" .scn).$$
trap 'rm -rf "$disk_dir"' EXIT
mapfile -t disks < <(tools/scenario-disks.sh "$scn" "$disk_dir")
# virtio-blk-pci devices take PCI slots of bus 0: 32, less QEMU's own.
if [ $(( ${#disks[@]} / 4 )) -gt 24 ]; then
    echo "run-qemu.sh: scenario $scn attaches $(( ${#disks[@]} / 4 )) drives; at most 24 fit on the PCI bus" >&2
    exit 4
fi

# The machine's memory: --mem, else the scenario's "# machine-mem: N" (an
# overcommit demo sizes its machine), else 2048 MiB.
if [ -z "$mem" ]; then
    mem=$(sed -n 's/^# *machine-mem: *\([0-9][0-9]*\) *$/\1/p' "$scn" | tail -n 1)
    mem=${mem:-2048}
fi

# The hypervisor's watchdog fires first (exit 3, with the DOMAIN lines),
# a tenth of the time (at least 10 s) before QEMU is killed (exit 5): its
# clock is the TSC calibrated at boot, which a loaded host can skew.
margin=$(( timeout_s / 10 > 10 ? timeout_s / 10 : 10 ))
# Hypervisor options the scenario asks for ("# hv-args: ..."), before the
# command line's (a later option wins).
scn_hv_args=$(sed -n 's/^# *hv-args: *//p' "$scn" | tr '\n' ' ')
hv_cmdline="timeout=$(( timeout_s > 2 * margin ? timeout_s - margin : timeout_s )) $scn_hv_args$hv_args"

qemu=(qemu-system-i386 -m "$mem" -display none -serial stdio -monitor none
      -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4
      ${disks[@]+"${disks[@]}"})
[ $icount = 1 ] && qemu+=(-icount shift=0,sleep=off)
[ -n "$ctl" ] && qemu+=(-serial "tcp:127.0.0.1:$ctl,server=on,wait=off")
[ $gdb = 1 ] && {
    qemu+=(-gdb tcp:127.0.0.1:1234 -S) # localhost only, as -s is not
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
*)  if [ $gdb = 1 ]; then
        echo "run-qemu.sh: QEMU ended with status $status and no verdict (killed from gdb?)" >&2
    else
        echo "run-qemu.sh: QEMU ended with status $status and no verdict (triple fault or crash?)" >&2
    fi
    exit 6 ;;
esac
