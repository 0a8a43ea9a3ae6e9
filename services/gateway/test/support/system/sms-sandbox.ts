// Reads the text messages messaging's sandbox provider recorded instead of sending them
// (GET /dev/sandbox/messages on messaging's webhook port; services/messaging/README.md).
export interface SandboxMessage {
  readonly reference: string;
  readonly to: string;
  readonly text: string;
}

export class SmsSandbox {
  constructor(private readonly webhookPort: number) {}

  async list(to: string): Promise<SandboxMessage[]> {
    const url = new URL(`http://127.0.0.1:${this.webhookPort}/dev/sandbox/messages`);
    url.searchParams.set('to', to);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`sandbox list answered ${res.status}`);
    return ((await res.json()) as { messages: SandboxMessage[] }).messages;
  }

  /** Waits for a new message to `to` (newest first) whose text has a link under `origin`. */
  async nextLink(to: string, origin: string, seen: number, timeoutMs = 120_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    const pattern = new RegExp(`${origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[rd]/[\\w-]+`);
    while (Date.now() < until) {
      const messages = await this.list(to);
      if (messages.length > seen) {
        const link = pattern.exec(messages[0].text)?.[0];
        if (link) return link;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error('no text message with a link arrived at the sandbox');
  }
}
