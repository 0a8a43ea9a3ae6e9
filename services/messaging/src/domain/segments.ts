// Segment counting with Twilio's sms-segments-calculator (GSM 03.38 with its extension table,
// UCS-2 with surrogate pairs): GSM-7 160 in one segment or 153 each when concatenated, UCS-2
// 70 or 67. The maximum length is a number of segments, as GOV.UK Notify's is.
import { SegmentedMessage } from 'sms-segments-calculator';
import type { Encoding } from './message';

export interface SegmentCount {
  readonly encoding: Encoding;
  /** Characters as the encoding counts them (code units: extension characters count 2). */
  readonly characters: number;
  readonly segments: number;
  /** Most characters allowed in this encoding for `maxSegments`. */
  readonly maxCharacters: number;
  /** Characters that forced UCS-2 (at most 10, de-duplicated). */
  readonly nonGsmCharacters: readonly string[];
}

function perSegment(encoding: Encoding, segments: number): number {
  if (encoding === 'GSM-7') return segments === 1 ? 160 : 153;
  return segments === 1 ? 70 : 67;
}

export function countSegments(text: string, maxSegments: number): SegmentCount {
  const message = new SegmentedMessage(text, 'auto');
  const encoding = message.encodingName;
  const segments = text.length === 0 ? 0 : message.segmentsCount;
  // Code units: septets for GSM-7 (escape included), 16-bit units for UCS-2.
  const characters = message.encodedChars.reduce((sum, c) => sum + c.codeUnits.length, 0);
  return {
    encoding,
    characters,
    segments,
    maxCharacters: maxSegments * perSegment(encoding, maxSegments),
    nonGsmCharacters: [...new Set(message.getNonGsmCharacters())].slice(0, 10),
  };
}
