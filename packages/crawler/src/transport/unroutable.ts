// The one place that decides which ZeroMQ send errors mean "that peer cannot be reached now" (so the caller hands
// work back or retries later) and which are bugs to throw.

/** EHOSTUNREACH: ROUTER `mandatory` and the peer is unknown or gone. EAGAIN: no peer connected, or its queue full. */
export async function sendOrFalse(send: () => Promise<void>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EHOSTUNREACH' || code === 'EAGAIN') return false;
    throw err;
  }
}
