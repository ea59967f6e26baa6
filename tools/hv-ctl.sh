#!/usr/bin/env bash
# hv-ctl.sh - send console commands to a running hypervisor, through the
# control port run-qemu.sh opens with --ctl PORT (the machine's second
# serial port, on 127.0.0.1). One argument a command line:
#
#   ./run-qemu.sh demo --ctl 5555 &
#   tools/hv-ctl.sh 5555 "mem-set bob 16M" "set mem_reserve=4096"
#   tools/hv-ctl.sh 5555 help
#
# The hypervisor echoes each command, and what it did, on its console.
# Commands: help, set NAME=VALUE..., mem-set DOMAIN SIZE|none
# (docs/architecture.md, Memory as a renewable resource).
set -euo pipefail

port=${1:?usage: tools/hv-ctl.sh PORT COMMAND...}
shift
case "$port" in ''|*[!0-9]*) echo "hv-ctl.sh: '$port' is not a port number" >&2; exit 4 ;; esac
[ $# -gt 0 ] || { echo "hv-ctl.sh: no command to send" >&2; exit 4; }
if ! exec 3<>"/dev/tcp/127.0.0.1/$port"; then
    echo "hv-ctl.sh: nothing listens on 127.0.0.1:$port (run-qemu.sh --ctl $port?)" >&2
    exit 1
fi
for c in "$@"; do
    printf '%s\r\n' "$c" >&3
done
exec 3>&-
