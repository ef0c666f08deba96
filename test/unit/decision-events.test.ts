import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../shared/app/decision-events.js';
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
