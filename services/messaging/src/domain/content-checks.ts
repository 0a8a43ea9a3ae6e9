// The acceptable-use checks on what staff send (reference: "do not send sensitive information or
// anything urgent by SMS"; abusive messages are flagged to the clinical lead).
//
// Method: whole-word, case-insensitive matching of curated phrase lists after Unicode
// normalisation (NFKD, diacritics removed, common look-alike digits mapped to letters, so
// "t3st r3sults" and "ＴＥＳＴ" match). Limits, stated honestly: it is a keyword list, not
// understanding. It misses paraphrase ("the lab came back"), misspellings beyond the look-alikes,
// other languages and context (a patient's own words quoted back); it can warn on innocent text
// ("no cancer found" still mentions cancer). Warnings therefore only ask the sender to confirm,
// and an abusive flag is a prompt for a human (the clinical lead), never a block.
import type { ContentWarning } from './message';

interface Rule {
  readonly kind: ContentWarning['kind'];
  readonly reason: string;
  readonly phrases: readonly string[];
}

const RULES: readonly Rule[] = [
  {
    kind: 'sensitive',
    reason: 'mentions test results',
    phrases: [
      'test result',
      'test results',
      'blood result',
      'blood results',
      'biopsy',
      'scan result',
      'scan results',
      'positive result',
      'negative result',
    ],
  },
  {
    kind: 'sensitive',
    reason: 'mentions a diagnosis or sensitive condition',
    phrases: [
      'cancer',
      'tumour',
      'tumor',
      'malignant',
      'hiv',
      'chlamydia',
      'gonorrhoea',
      'syphilis',
      'sexually transmitted',
      'sti',
      'pregnancy test',
      'termination',
      'miscarriage',
      'dementia',
      'schizophrenia',
      'overdose',
      'self harm',
      'self-harm',
      'suicidal',
    ],
  },
  {
    kind: 'urgent',
    reason: 'looks urgent: SMS is not for urgent matters',
    phrases: [
      'urgent',
      'urgently',
      'emergency',
      'immediately',
      'straight away',
      'right away',
      'call 999',
      'go to a&e',
      'go to a and e',
      'as soon as possible',
      'asap',
    ],
  },
  {
    kind: 'abusive',
    reason: 'abusive or threatening language',
    phrases: [
      'idiot',
      'stupid',
      'moron',
      'shut up',
      'useless',
      'pathetic',
      'bastard',
      'bitch',
      'fuck',
      'fucking',
      'shit',
      'piss off',
      'screw you',
      'kill you',
      'hate you',
      'waste of space',
    ],
  },
];

const LOOK_ALIKES: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

/** Lower case, compatibility-decomposed, diacritics and look-alike digits folded. */
export function foldForMatching(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[0134574@$]/g, (c) => LOOK_ALIKES[c] ?? c);
}

function escape(phrase: string): string {
  return phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '[\\s\\-_.]+');
}

const COMPILED = RULES.map((rule) => ({
  rule,
  pattern: new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${rule.phrases.map((p) => escape(foldForMatching(p))).join('|')})(?![\\p{L}\\p{N}])`,
    'u',
  ),
}));

/** Warnings for `text`, at most one per reason, in rule order. */
export function checkContent(text: string): ContentWarning[] {
  const folded = foldForMatching(text);
  const out: ContentWarning[] = [];
  for (const { rule, pattern } of COMPILED) {
    if (pattern.test(folded) && !out.some((w) => w.reason === rule.reason)) {
      out.push({ kind: rule.kind, reason: rule.reason });
    }
  }
  return out;
}
