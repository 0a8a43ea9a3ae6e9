// Imported first by main.ts, alone, so instrumentation patches http and kafkajs before they load.
import { startTelemetry } from '@cairn/platform/telemetry';

startTelemetry({ serviceName: 'gateway' });
