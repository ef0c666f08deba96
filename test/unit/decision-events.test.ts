import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { withOutbox, type DecisionEvent, type DecisionOutbox } from '../../shared/app/decision-events.js';
import { EventBridgeDecisionEvents, JsonLinesDecisionEvents } from '../../shared/adapters/outbound/decision-event-sinks.js';

const eventBridge = mockClient(EventBridgeClient);
beforeEach(() => eventBridge.reset());

const paused = (i: number): DecisionEvent => ({
  version: 1,
  type: 'campaign.paused',
  id: `pause:c${i}:2026-11-25T12:00:00.000Z`,
  at: '2026-11-25T12:00:00.000Z',
  campaign: `c${i}`,
  pause: { reason: 'bought list', actor: 'ops', automatic: false },
});

describe('decision events on EventBridge', () => {
  it('puts each event with source bounce-pipeline, its type as detail-type and itself as detail, 10 per call', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const events = Array.from({ length: 12 }, (_, i) => paused(i));
    await new EventBridgeDecisionEvents(new EventBridgeClient({ region: 'us-east-1' }), 'decisions').publish(events);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    const first = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(first).toHaveLength(10);
    expect(first[0]).toEqual({
      EventBusName: 'decisions',
      Source: 'bounce-pipeline',
      DetailType: 'campaign.paused',
      Time: new Date('2026-11-25T12:00:00.000Z'),
      Detail: JSON.stringify(events[0]),
    });
    expect(eventBridge.commandCalls(PutEventsCommand)[1]?.args[0].input.Entries).toHaveLength(2);
  });

  it('fails when EventBridge refuses an entry (PutEvents does not throw for it)', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await expect(
      new EventBridgeDecisionEvents(new EventBridgeClient({ region: 'us-east-1' }), 'decisions').publish([paused(1)]),
    ).rejects.toThrow('EventBridge refused 1 decision event(s): InternalFailure');
  });
});

describe('decision events as JSON Lines', () => {
  it('writes one event per line, nothing for none', async () => {
    const written: string[] = [];
    const sink = new JsonLinesDecisionEvents(async (text) => void written.push(text));
    await sink.publish([]);
    await sink.publish([paused(1), paused(2)]);
    expect(written).toEqual([`${JSON.stringify(paused(1))}\n${JSON.stringify(paused(2))}\n`]);
  });
});

describe('decision events kept when the bus fails', () => {
  const failing = { publish: async () => Promise.reject(Object.assign(new Error('down'), { name: 'ServiceUnavailable' })) };
  const recordingOutbox = (fail = false) => {
    const kept: DecisionEvent[] = [];
    const outbox: DecisionOutbox = {
      keep: async (events) => {
        if (fail) throw new Error('table unavailable');
        kept.push(...events);
      },
      pending: async () => kept,
      remove: async () => {},
    };
    return { kept, outbox };
  };

  it('keeps what the bus refused and reports it with counts and types only', async () => {
    const { kept, outbox } = recordingOutbox();
    const errors: Array<Record<string, unknown> | undefined> = [];
    const logger = { info: () => {}, warn: () => {}, error: (_: string, extra?: Record<string, unknown>) => void errors.push(extra) };
    await withOutbox(failing, outbox, () => new Date('2026-11-25T12:00:00Z'), logger).publish([paused(1), paused(2)]);
    expect(kept.map((e) => e.id)).toEqual([paused(1).id, paused(2).id]);
    expect(errors).toEqual([{ events: 2, types: ['campaign.paused'], errorName: 'ServiceUnavailable' }]);
  });

  it('passes through what the bus took, and throws only when the outbox fails too', async () => {
    const { kept, outbox } = recordingOutbox();
    const taken: DecisionEvent[] = [];
    const bus = { publish: async (events: readonly DecisionEvent[]) => void taken.push(...events) };
    const silent = { info: () => {}, warn: () => {}, error: () => {} };
    await withOutbox(bus, outbox, () => new Date(), silent).publish([paused(1)]);
    expect([taken.length, kept.length]).toEqual([1, 0]);
    await expect(withOutbox(failing, recordingOutbox(true).outbox, () => new Date(), silent).publish([paused(1)])).rejects.toThrow(
      'table unavailable',
    );
  });
});
