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
  --hv-args "..."  extra hypervisor command-line options (loglvl=debug ...)
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
    --hv-args) hv_args=${2?--hv-args needs a string}; shift ;;
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
need=()
command -v qemu-system-i386 >/dev/null || need+=(qemu-system-x86)
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc)
[ -e /usr/include/xxhash.h ] || need+=(libxxhash-dev)
if ! echo 'int main(void){return 0;}' | gcc -m32 -x c - -o /dev/null 2>/dev/null; then
    need+=(gcc-multilib)
fi
if [ $iso = 1 ]; then
    command -v grub-mkrescue >/dev/null || need+=(grub-common)
    [ -d /usr/lib/grub/i386-pc ] || need+=(grub-pc-bin)
    command -v xorriso >/dev/null || need+=(xorriso)
    command -v mformat >/dev/null || need+=(mtools)
fi
if [ ${#need[@]} -gt 0 ]; then
    echo "run-qemu.sh: installing ${need[*]}" >&2
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi

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

# Where a module named in a scenario may be found, first match wins.
module_dirs=(build/guest-pv/tests build/guest-pv build/test-images test-images)
modules=("$scn")
missing=()
for name in $(grep -v '^[[:space:]]*#' "$scn" | grep -oE '(kernel|module|disk)=[^[:space:]"]+' | cut -d= -f2 | sort -u); do
    found=""
    for d in "${module_dirs[@]}"; do
        if [ -f "$d/$name" ]; then found="$d/$name"; break; fi
    done
    if [ -n "$found" ]; then modules+=("$found"); else missing+=("$name"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
    # Boot anyway: the hypervisor names the missing module and exits (status 4).
    echo "run-qemu.sh: no file for module(s): ${missing[*]} (looked in ${module_dirs[*]})" >&2
fi

hv_cmdline="timeout=$(( timeout_s > 20 ? timeout_s - 10 : timeout_s )) $hv_args"

qemu=(qemu-system-i386 -m "$mem" -display none -serial stdio -monitor none
      -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4)
[ $icount = 1 ] && qemu+=(-icount shift=0,sleep=off)
[ $gdb = 1 ] && {
    qemu+=(-s -S)
    echo "run-qemu.sh: waiting for gdb: gdb build/hv/hv.elf -ex 'target remote :1234'" >&2
}

if [ $iso = 1 ]; then
    isodir=build/iso/$(basename "$scn" .scn)
    rm -rf "$isodir" && mkdir -p "$isodir/boot/grub" "$isodir/boot/mods"
    cp build/hv/hv.elf "$isodir/boot/hv.elf"
    {
        echo "set timeout=0"
        echo "set default=0"
        echo "menuentry 'page-sharing hypervisor: $(basename "$scn")' {"
        echo "    multiboot /boot/hv.elf $hv_cmdline"
        for m in "${modules[@]}"; do
            b=$(basename "$m")
            cp "$m" "$isodir/boot/mods/$b"
            echo "    module /boot/mods/$b $b"
        done
        echo "}"
    } > "$isodir/boot/grub/grub.cfg"
    grub-mkrescue -o "$isodir.iso" "$isodir" >/dev/null 2>&1 || {
        echo "run-qemu.sh: grub-mkrescue failed (is grub-pc-bin installed?)" >&2; exit 4; }
    qemu+=(-cdrom "$isodir.iso" -boot d)
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
