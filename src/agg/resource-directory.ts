/**
 * Known resources of a window, used to name peers (core/urn `PeerDirectory`): which instrumented
 * resources carry a given service.name, and which resource owns an IP address.
 *
 * Answers do not depend on the order in which resources were registered: a name that maps to several
 * resources outside the caller's namespace, or an IP claimed by two resources, is ambiguous and left
 * to the fallback directory (then to the URN rules' defaults).
 */
import type { Attrs } from '../core/records.js';
import { attr, hostUrn, isIpAddress, normalizeHost, type PeerDirectory, type ResourceIdentity } from '../core/urn.js';

type IpOwner = { urn: string; host?: string } | null; // null: ambiguous

export class ResourceDirectory implements PeerDirectory {
  /** service.name → (namespace key → URN). Namespace key: k8s namespace, or `svc:` + URN elsewhere. */
  readonly #byName = new Map<string, Map<string, string>>();
  readonly #byIp = new Map<string, IpOwner>();
  readonly #fallback: PeerDirectory | undefined;

  constructor(fallback?: PeerDirectory) {
    this.#fallback = fallback;
  }

  /** Records an instrumented resource: its service name and the IPs in its attributes. */
  register(id: ResourceIdentity, attrs: Attrs): void {
    if (id.serviceName !== undefined) {
      let m = this.#byName.get(id.serviceName);
      if (m === undefined) {
        m = new Map();
        this.#byName.set(id.serviceName, m);
      }
      m.set(id.k8sNamespace ?? `svc:${id.urn}`, id.urn);
    }
    // A pod IP belongs to the pod's service; a host IP to the host (several services may share it).
    for (const ip of ipList(attr(attrs, 'k8s.pod.ip'))) this.#claimIp(ip, { urn: id.urn });
    const hostName = normalizeHost(attr(attrs, 'host.name'));
    for (const ip of ipList(attr(attrs, 'host.ip'))) {
      this.#claimIp(ip, hostName === undefined ? { urn: id.urn } : { urn: hostUrn(hostName), host: hostName });
    }
  }

  serviceUrn(name: string, callerNs: string | undefined): string | undefined {
    const m = this.#byName.get(name);
    if (m !== undefined) {
      if (callerNs !== undefined) {
        const same = m.get(callerNs);
        if (same !== undefined) return same;
      }
      if (m.size === 1) return m.values().next().value;
    }
    return this.#fallback?.serviceUrn(name, callerNs);
  }

  resolveIp(ip: string): { urn: string; host?: string } | undefined {
    const own = this.#byIp.get(ip);
    if (own) return own;
    return this.#fallback?.resolveIp(ip);
  }

  #claimIp(ip: string, owner: { urn: string; host?: string }): void {
    const cur = this.#byIp.get(ip);
    if (cur === undefined) this.#byIp.set(ip, owner);
    else if (cur !== null && cur.urn !== owner.urn) this.#byIp.set(ip, null);
  }
}

/** IPs from an attribute flattened to a string: `10.0.0.1`, `10.0.0.1,10.0.0.2`, or a JSON array. */
function ipList(v: string | undefined): string[] {
  if (v === undefined) return [];
  return v
    .replace(/[[\]"]/g, ' ')
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '' && isIpAddress(s));
}
