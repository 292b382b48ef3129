// The guest's network, as data: the one network card both emulators give a system that asks
// for the network (`BootSystem.network`, `bootlab boot --net`, the `network` template), and
// what each emulator's network reaches, in the words `--help`, the docs and the page use.
//
// The card is an NE2000 on the PCI bus (Linux's ne2k-pci driver):
// - v86 emulates two cards, "ne2k" and "virtio"; ne2k is its default, the one its fetch
//   backend's documentation and examples use, and what v86 already puts in every machine
//   (a v86 machine has an ne2k card whether or not a backend is attached).
// - QEMU emulates it as `ne2k_pci`, so the same driver binds, the kernel log names the same
//   card and the parity test compares like with like. virtio-net is faster on QEMU, but v86's
//   virtio-net is its younger device and the guest only moves small HTTP bodies here.
// - Linux: CONFIG_NE2K_PCI, in the full kernel (never in the tiny one, which stays as it is).

/** v86's `net_device.type` for the card. */
export const V86_NIC = "ne2k";
/** QEMU's `-nic ...,model=` for the same card. */
export const QEMU_NIC_MODEL = "ne2k_pci";
/** The interface the guest's kernel names the card. */
export const GUEST_INTERFACE = "eth0";

/** What the guest sees of each emulator's network: addresses its DHCP hands out and how to reach the host. */
export interface GuestNetworkFacts {
  /** The address the guest gets by DHCP. */
  address: string;
  /** The default route and DHCP server. */
  router: string;
  /** The name server DHCP names. */
  dns: string;
  /** A URL prefix that reaches a server listening on the host's 127.0.0.1, port PORT. */
  hostUrl: (port: number) => string;
}

export const NETWORK_FACTS: Readonly<Record<"qemu" | "v86", GuestNetworkFacts>> = {
  // QEMU's user-mode networking (slirp): a NAT with its own DHCP and DNS; 10.0.2.2 is the host.
  qemu: { address: "10.0.2.15", router: "10.0.2.2", dns: "10.0.2.3", hostUrl: (port) => `http://10.0.2.2:${port}` },
  // v86's fetch backend: DHCP and DNS answered inside v86 (every name resolves to 192.168.87.1,
  // so that the guest opens a TCP connection at all); a request to port 80 becomes a fetch()
  // of the Host header's URL, and the host name "PORT.external" means the host's localhost:PORT.
  v86: { address: "192.168.86.100", router: "192.168.86.1", dns: "192.168.86.1", hostUrl: (port) => `http://${port}.external` },
};

/** The help lines for `--net`, shared by every command that takes the system options. */
export const NETWORK_HELP = `  --net                  a network card (NE2000 PCI, eth0) on the emulator's own network; the
                         plan picks the full kernel; the \`network\` template brings eth0 up
                         with udhcpc. Without --net: no network backend, nothing changes.
                         QEMU (user-mode networking, slirp): DHCP gives 10.0.2.15, router
                         10.0.2.2, DNS 10.0.2.3 (forwarded to the host's resolver); TCP and
                         UDP go out through the host; 10.0.2.2 is the host's loopback, so
                         \`wget http://10.0.2.2:PORT/\` reaches a server on 127.0.0.1:PORT;
                         ping works only to 10.0.2.2 and where the host allows ICMP sockets.
                         v86 (fetch backend, as in the page): DHCP gives 192.168.86.100,
                         router and DNS 192.168.86.1; only HTTP to port 80 leaves the
                         guest, each request made again with fetch() (in the page: same
                         origin or CORS-permitted URLs only); no other TCP, no UDP beyond
                         DHCP and DNS, no HTTPS from the guest (wget https:// cannot work);
                         every name resolves to 192.168.87.1; \`wget http://PORT.external/\`
                         reaches a server on the host's localhost:PORT (v86's equivalent of
                         10.0.2.2)`;

/**
 * A virtual LAN's name (BootSystem.lan): the guests booted with the same name share one
 * Ethernet segment. In the page that is every tab of the browser (a BroadcastChannel named
 * after the LAN); under Node, every v86 guest of the process. The LAN has no DHCP server,
 * router or name server: the guests give themselves addresses (ifconfig eth0 10.0.0.1) or one
 * of them runs udhcpd. Nothing on it reaches the internet or the page's origin.
 */
export const LAN_NAME = /^[\w.-]{1,40}$/;

/** What a guest printed of its DHCP lease. */
export interface GuestLease {
  address: string;
  /** The DHCP server that gave it. */
  server: string;
}

const UDHCPC_LEASE = /udhcpc: lease of (\d{1,3}(?:\.\d{1,3}){3}) obtained from (\d{1,3}(?:\.\d{1,3}){3})/g;

/**
 * The guest's address, from BusyBox udhcpc's own console line ("udhcpc: lease of 10.0.2.15
 * obtained from 10.0.2.2, lease time 86400"); the last lease when there were several;
 * undefined until one came. The page shows it beside the status line.
 */
export function guestLease(consoleText: string): GuestLease | undefined {
  let lease: GuestLease | undefined;
  for (const match of consoleText.matchAll(UDHCPC_LEASE)) lease = { address: match[1]!, server: match[2]! };
  return lease;
}

/** One sentence for the page: the guest's address and what v86's fetch backend lets it reach. */
export function describeBrowserNetwork(lease: GuestLease | undefined): string {
  const reach =
    "Only HTTP to port 80 leaves the guest, through this page's fetch(): same-origin or CORS-permitted URLs (http://PORT.external/ is this machine's localhost:PORT); no HTTPS, no other ports; a request fetch() refuses answers 502 Fetch Error in the guest.";
  return lease ? `Network: eth0 ${lease.address} by DHCP from ${lease.server}. ${reach}` : `Network: no DHCP lease yet (udhcpc -i eth0). ${reach}`;
}
