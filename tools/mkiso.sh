#!/usr/bin/env bash
# mkiso.sh SCENARIO ISO [HV-ARGS] - build a GRUB rescue ISO that boots the
# hypervisor with the scenario and its modules (grub-mkrescue; needs
# grub-pc-bin, xorriso and mtools).
set -euo pipefail
scn=${1:?usage: tools/mkiso.sh SCENARIO ISO [HV-ARGS]}
iso=${2:?usage: tools/mkiso.sh SCENARIO ISO [HV-ARGS]}
hv_args=${3:-}
dir=${iso%.iso}.d

rm -rf "$dir"
mkdir -p "$dir/boot/grub" "$dir/boot/mods"
cp build/hv/hv.elf "$dir/boot/hv.elf"
{
    echo "set timeout=0"
    echo "set default=0"
    echo "menuentry 'page-sharing hypervisor: $(basename "$scn")' {"
    echo "    multiboot /boot/hv.elf $hv_args"
    while IFS= read -r m; do
        b=$(basename "$m")
        cp "$m" "$dir/boot/mods/$b"
        echo "    module /boot/mods/$b $b"
    done < <(tools/scenario-modules.sh "$scn")
    echo "}"
} > "$dir/boot/grub/grub.cfg"
if ! grub-mkrescue -o "$iso" "$dir" >/dev/null 2>"$dir.err"; then
    echo "mkiso.sh: grub-mkrescue failed:" >&2
    cat "$dir.err" >&2
    exit 1
fi
rm -f "$dir.err"
