#!/bin/sh
# bootlab's default /init (the page and `bootlab boot` replace it with yours).
# The kernel runs /init as PID 1 with nothing mounted: mount what programs expect, then give the
# console a shell with job control. When that shell exits, power off instead of letting PID 1
# exit (which would panic the kernel).
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
echo "bootlab: $(uname -sr), BusyBox init script /init"
setsid cttyhack sh -l
poweroff -f
