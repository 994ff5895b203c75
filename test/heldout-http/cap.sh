#!/usr/bin/env bash
# cap.sh OUT.pcap FILTER CMD…: the shared capture helper (test/heldout/cap.sh).
exec bash "$(dirname "$0")/../heldout/cap.sh" "$@"
