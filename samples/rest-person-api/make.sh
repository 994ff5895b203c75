#!/usr/bin/env bash
# Remakes both captures of the REST Person API:
#   rest-person-api.pcapng      dumpcap on lo, IPv4 127.0.0.1:8010
#   rest-person-api-sll2.pcap   tcpdump -i any -y LINUX_SLL2 (Linux cooked v2), IPv6 [::1]:8011
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

start_bg server4 /usr/bin/python3 -u server.py 127.0.0.1 8010
start_bg server6 /usr/bin/python3 -u server.py ::1 8011
wait_port 8010
wait_port 8011

start_capture rest-person-api.pcapng 'tcp port 8010' lo pcapng
./client.sh http://127.0.0.1:8010
stop_capture

start_capture rest-person-api-sll2.pcap 'tcp port 8011' any sll2
./client.sh 'http://[::1]:8011'
stop_capture
