import type { AlertingMark, AlertRecord } from '../../app/health-ports.js';
import type { PauseRecord } from '../../app/pause.js';
import { FINDING_PATTERNS, VERDICTS, type Finding } from '../../domain/index.js';
import { CorruptItemError, fieldsOf } from './address-items.js';

type Item = Record<string, unknown>;

function findingFrom(value: unknown): Finding {
  if (typeof value !== 'object' || value === null) throw new CorruptItemError('alert', 'finding is not a map');
  const f = fieldsOf('alert finding', value as Item);
  const numbers = (value as Item).numbers;
  if (typeof numbers !== 'object' || numbers === null) throw f.fail('numbers', 'a map');
  const entries = Object.entries(numbers as Item);
  if (!entries.every(([, v]) => typeof v === 'number' || typeof v === 'string')) throw f.fail('numbers', 'a map of numbers and strings');
  return {
    pattern: f.oneOf('pattern', FINDING_PATTERNS),
    verdict: f.oneOf('verdict', VERDICTS),
    summary: f.string('summary'),
    numbers: Object.fromEntries(entries) as Record<string, number | string>,
    action: f.string('action'),
  };
}

/** What was alerted for one campaign and finding, checked field by field. */
export function alertFromItem(campaign: string, item: Item): AlertRecord {
  const f = fieldsOf('alert', item);
  return { campaign, key: f.string('sk'), verdict: f.oneOf('verdict', VERDICTS), at: f.string('at'), finding: findingFrom(item.finding) };
}

/** A campaign's pause, checked field by field. */
export function pauseFromItem(campaign: string, item: Item): PauseRecord {
  const f = fieldsOf('pause', item);
  return {
    campaign,
    reason: f.string('reason'),
    actor: f.string('actor'),
    pausedAt: f.string('pausedAt'),
    automatic: item.automatic === true,
  };
}

/** A campaign's open-alerts mark, checked field by field. */
export function alertingMarkFromItem(item: Item): AlertingMark {
  const f = fieldsOf('alerting mark', item);
  return { campaign: f.string('sk'), version: f.number('version') };
}
