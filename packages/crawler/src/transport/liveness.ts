// Heartbeat bookkeeping: when each peer was last heard from, and which ones have been silent too long.
// A peer is dead after `livenessMs` without any message (every message counts, not only heartbeats).

export class PeerLiveness {
  private readonly lastHeard = new Map<string, number>();

  constructor(private readonly livenessMs: number) {}

  heard(peer: string, now: number): void {
    this.lastHeard.set(peer, now);
  }

  forget(peer: string): void {
    this.lastHeard.delete(peer);
  }

  /** Peers silent for longer than the liveness window; they are forgotten as they are returned. */
  takeDead(now: number): string[] {
    const dead: string[] = [];
    for (const [peer, at] of this.lastHeard) {
      if (now - at > this.livenessMs) dead.push(peer);
    }
    for (const peer of dead) this.lastHeard.delete(peer);
    return dead;
  }
}
