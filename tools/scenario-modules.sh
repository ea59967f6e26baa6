#!/usr/bin/env bash
# scenario-modules.sh SCENARIO - print the files to load as multiboot modules
# for a scenario: the scenario file itself, then every module it names
# (kernel=, module=), found in the build and test-image folders. (Disk
# images are not modules: scenario-disks.sh attaches them as drives.)
# A name with no file is reported on stderr and left out: the hypervisor
# then names it in its own one-line error.
set -euo pipefail
scn=${1:?usage: tools/scenario-modules.sh SCENARIO}
dirs=(build/guest-pv/tests build/guest-pv build/test-images test-images)

echo "$scn"
missing=()
for name in $(grep -v '^[[:space:]]*#' "$scn" |
              grep -oE '(^|[[:space:]])(kernel|module)=[^[:space:]"]+' | sed 's/.*=//' | sort -u); do
    found=""
    for d in "${dirs[@]}"; do
        if [ -f "$d/$name" ]; then found="$d/$name"; break; fi
    done
    if [ -n "$found" ]; then echo "$found"; else missing+=("$name"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "scenario-modules.sh: no file for module(s): ${missing[*]} (looked in ${dirs[*]})" >&2
fi
exit 0
