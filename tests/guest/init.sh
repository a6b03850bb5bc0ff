#!/bin/sh
# /init of the guest integration test: runs a few commands whose output the host
# checks (tests/guest/boot.sh), then reboots, which ends bt86 under -no-reboot.
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "BT86-TEST: uname $(uname -s) $(uname -m)"
i=0
while [ "$i" -lt 1000 ]; do i=$((i + 1)); done
echo "BT86-TEST: loop $i"
seq 1 20000 > /tmp/seq.txt
echo "BT86-TEST: md5 $(md5sum < /tmp/seq.txt)"
t1=$(date +%s)
sleep 2
t2=$(date +%s)
if [ "$t2" -gt "$t1" ]; then echo "BT86-TEST: date advanced"; else echo "BT86-TEST: date stuck $t1 $t2"; fi
echo "BT86-TEST: done"
reboot -f
