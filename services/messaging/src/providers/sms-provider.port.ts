// The SMS provider port. `reference` is our message id; every adapter passes it to the provider
// as its client reference so delivery receipts name our id, never only theirs.
import type { Encoding } from '../domain/message';

export interface SmsRequest {
  readonly reference: string;
  /** E.164. */
  readonly to: string;
  readonly text: string;
  readonly encoding: Encoding;
  readonly sender: string;
}

export type SmsResult =
  | { readonly outcome: 'accepted'; readonly providerMessageId: string }
  /** Worth retrying, on this or another provider (throttling, 5xx, timeout, garbage). */
  | { readonly outcome: 'temporary'; readonly detail: string }
  /** Retrying cannot help (the number is barred or invalid for the provider). */
  | { readonly outcome: 'permanent'; readonly detail: string };

export type ReceiptStatus = 'delivered' | 'temporary-failure' | 'permanent-failure' | 'pending';

export interface Receipt {
  /** Our reference, when the provider echoes it. */
  readonly reference?: string;
  readonly providerMessageId?: string;
  readonly status: ReceiptStatus;
  /** Patient-free detail, e.g. the provider's error code. */
  readonly detail: string;
  readonly at?: Date;
}

export interface SmsProvider {
  readonly name: string;
  /**
   * True when the provider drops a second send with the same reference (the sandbox does), so a
   * hand-over interrupted by a crash may be repeated safely.
   */
  readonly idempotentByReference: boolean;
  send(request: SmsRequest, signal: AbortSignal): Promise<SmsResult>;
}

/** Reads a provider's HTTP answer defensively: JSON or undefined, never a throw. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A POST of form fields with the call's abort signal; network errors become temporary results. */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  signal: AbortSignal,
): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(fields).toString(),
      signal,
    });
    // Providers answer a few hundred bytes; refuse to buffer more than 64 KiB of garbage.
    const body = (await response.text()).slice(0, 65_536);
    return { status: response.status, body };
  } catch (error) {
    const name = (error as Error)?.name;
    return {
      error: name === 'AbortError' || name === 'TimeoutError' ? 'timed out' : 'network error',
    };
  }
}
