import type { Holder, ListeningPort } from "../../api";

/** Who holds a port, in a few words: "postgres (pid 812, user postgres)", "container shop-db". */
export function holderLabel(holder: Holder): string {
  switch (holder.kind) {
    case "process": {
      const { name, pid, user } = holder.process;
      return user ? `${name} (pid ${pid}, user ${user})` : `${name} (pid ${pid})`;
    }
    case "container":
      return `container ${holder.name}`;
    case "unknown":
      return "another user's program";
  }
}

/** Whether a port's row matches the filter: its number, address, protocol, holder or command. */
export function portMatches(port: ListeningPort, query: string): boolean {
  const wanted = query.trim().toLowerCase();
  if (wanted === "") return true;
  const words = [String(port.port), port.address, port.protocol, holderLabel(port.holder)];
  if (port.holder.kind === "process") words.push(port.holder.process.command);
  if (port.holder.kind === "container") words.push(port.holder.image);
  return words.some((word) => word.toLowerCase().includes(wanted));
}

/** `0.0.0.0` and `::` listen on every address: said so, since users read them as "nowhere". */
export function addressLabel(address: string): string {
  return address === "0.0.0.0" || address === "::" ? `${address} (every address)` : address;
}

/** Unix seconds as the ISO text the time components take. */
export function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
