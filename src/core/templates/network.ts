// Seed 003 (smart-os) lists networking and DNS among its features: the `network` template is
// that part of it. BusyBox init as in seed 001, and rcS brings eth0 up with udhcpc, whose
// default script (BusyBox calls /usr/share/udhcpc/default.script, and the base has none) sets
// the address, the default route and /etc/resolv.conf from the lease.
import type { Template } from "./template.ts";

const DEFAULT_SCRIPT = `#!/bin/sh
# udhcpc runs this script on each event of the lease, with the event in $1 (deconfig,
# bound, renew, leasefail, nak) and the lease in variables: $interface, $ip, $mask (prefix
# length), $broadcast, $router, $dns, $domain, $lease (seconds).
RESOLV_CONF=/etc/resolv.conf

case "$1" in
  deconfig)
    # Before asking: the link up, no IPv4 address yet.
    ip link set "$interface" up
    ip -4 addr flush dev "$interface"
    ;;
  bound|renew)
    if [ "$1" = bound ]; then
      ip -4 addr flush dev "$interface"
    fi
    ip addr add "$ip/\${mask:-24}" \${broadcast:+broadcast "$broadcast"} dev "$interface" 2>/dev/null
    if [ -n "$router" ]; then
      while ip route del default dev "$interface" 2>/dev/null; do :; done
      for gateway in $router; do
        ip route add default via "$gateway" dev "$interface"
        break
      done
    fi
    : > "$RESOLV_CONF"
    if [ -n "$domain" ]; then echo "search $domain" >> "$RESOLV_CONF"; fi
    for server in $dns; do echo "nameserver $server" >> "$RESOLV_CONF"; done
    echo "udhcpc: $interface is $ip/\${mask:-24}, router \${router:-none}, DNS \${dns:-none}, lease \${lease:-?} s"
    ;;
  leasefail|nak)
    echo "udhcpc: no lease on $interface ($1)" >&2
    ;;
esac
exit 0
`;

export const networkTemplate: Template = {
  id: "network",
  title: "Network: DHCP, DNS and wget",
  source: "seed 003",
  summary: [
    "Seed 003's network: the kernel drives an NE2000 PCI card, and rcS brings eth0 up with udhcpc, whose script (/usr/share/udhcpc/default.script) sets the address, the default route and /etc/resolv.conf.",
    "Try ip addr, ip route, cat /etc/resolv.conf, nslookup NAME and wget -O - URL. In the page (v86's fetch backend) only HTTP to port 80 leaves the guest, through the browser's fetch() (same origin or CORS); no HTTPS, no other ports.",
    "bootlab boot --template network --emulator qemu runs it on QEMU's user-mode network, where the host is 10.0.2.2; under v86, http://PORT.external/ is the host's localhost:PORT.",
  ],
  base: "busybox",
  kernel: "full",
  network: true,
  cmdline: "console=ttyS0",
  files: [
    {
      kind: "file",
      path: "/init",
      mode: 0o755,
      text: `#!/bin/sh
# Mount devtmpfs so that init, the shell and udhcpc find their devices, then hand over
# to BusyBox init, which reads /etc/inittab.
mount -t devtmpfs devtmpfs /dev
exec /sbin/init
`,
    },
    {
      kind: "file",
      path: "/etc/inittab",
      mode: 0o644,
      text: `::sysinit:/etc/init.d/rcS
ttyS0::respawn:-/bin/sh
::ctrlaltdel:/bin/umount -a -r
`,
    },
    { kind: "directory", path: "/etc/init.d", mode: 0o755 },
    {
      kind: "file",
      path: "/etc/init.d/rcS",
      mode: 0o755,
      text: `#!/bin/sh
/bin/mount -a
/bin/hostname -F /etc/hostname
/sbin/ip link set lo up
# Ask for a lease on eth0: up to 5 requests, 2 s apart, in the foreground (the prompt comes
# once eth0 has its address); -b: if none came, keep asking in the background.
/sbin/udhcpc -i eth0 -b -t 5 -T 2 -x hostname:"$(hostname)"
`,
    },
    {
      kind: "file",
      path: "/etc/fstab",
      mode: 0o644,
      text: `proc    /proc    proc    defaults    0    0
tmpfs   /tmp     tmpfs   defaults    0    0
sysfs   /sys     sysfs   defaults    0    0
`,
    },
    {
      kind: "file",
      path: "/etc/profile",
      mode: 0o644,
      text: `export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export PS1='\\u@\\h:\\w \\$ '
echo "$(hostname): eth0 $(ip -4 -o addr show eth0 | sed -n 's/.* inet \\([^ ]*\\).*/\\1/p')"
`,
    },
    { kind: "file", path: "/etc/hostname", mode: 0o644, text: "smart-os\n" },
    {
      kind: "file",
      path: "/etc/hosts",
      mode: 0o644,
      text: `127.0.0.1 localhost
`,
    },
    { kind: "file", path: "/etc/passwd", mode: 0o644, text: "root:x:0:0:root:/root:/bin/sh\n" },
    { kind: "file", path: "/etc/group", mode: 0o644, text: "root:x:0:\n" },
    { kind: "directory", path: "/usr", mode: 0o755 },
    { kind: "directory", path: "/usr/share", mode: 0o755 },
    { kind: "directory", path: "/usr/share/udhcpc", mode: 0o755 },
    { kind: "file", path: "/usr/share/udhcpc/default.script", mode: 0o755, text: DEFAULT_SCRIPT },
  ],
};
