// The gateway's behaviour settings, taken from configuration once (use cases never read config).
export interface GatewaySettings {
  readonly publicBaseUrl: string;
  readonly responseWindowMs: number;
  readonly documentWindowMs: number;
  readonly maxDobAttempts: number;
  readonly patientSessionTtlMs: number;
  readonly maxFiles: number;
  readonly maxFileBytes: number;
  readonly operatorName: string;
  readonly privacyNoticeUrl: string;
  /** Where the gateway's events go (GATEWAY_EVENTS_TOPIC); default its own topic. */
  readonly eventsTopic?: string;
}

export class Clock {
  now(): Date {
    return new Date();
  }
}
