// A virtual LAN for v86 guests (BootSpec.lan): every Ethernet frame the guest's NE2000 sends is
// posted on a BroadcastChannel named after the LAN, and every frame posted there by another
// guest is handed to this one's card: a hub. BroadcastChannel joins the tabs (and workers) of
// one browser origin, or the guests of one Node process. v86's own "inbrowser" relay does the
// same on one fixed channel; a channel per LAN name lets two lessons on one page keep their
// networks apart.

/** The bus events of v86's first network card (id 0). */
const NIC_SENDS = "net0-send";
const NIC_RECEIVES = "net0-receive";

interface V86Bus {
  add_listener(event: string, listener: (data: Uint8Array) => void): void;
  remove_listener(event: string, listener: (data: Uint8Array) => void): void;
  bus: { send(event: string, data: unknown): void };
}

export interface LanConnection {
  leave(): void;
}

/** Joins `emulator`'s card to the LAN `name` until `leave()`. */
export function joinLan(emulator: unknown, name: string): LanConnection {
  const v86 = emulator as V86Bus;
  const channel = new BroadcastChannel(`bootlab-lan-${name}`);
  const send = (frame: Uint8Array) => channel.postMessage(frame);
  const receive = (event: MessageEvent) => {
    if (event.data instanceof Uint8Array) v86.bus.send(NIC_RECEIVES, event.data);
  };
  v86.add_listener(NIC_SENDS, send);
  channel.addEventListener("message", receive as (event: Event) => void);
  let open = true;
  return {
    leave() {
      if (!open) return;
      open = false;
      v86.remove_listener(NIC_SENDS, send);
      channel.removeEventListener("message", receive as (event: Event) => void);
      channel.close();
    },
  };
}
