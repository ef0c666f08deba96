import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { DECISION_EVENTS_ENV } from '../../shared/config/contract.js';

/**
 * The bus decision events go to (findings, pauses, address changes): an EventBridge bus rather
 * than an SNS topic because a CRM integration is a rule on it (match on
 * `detail-type` and any `detail` field, an API destination calls the CRM's
 * HTTP API with no code of ours), events can be archived and replayed, and
 * new consumers never change this stack.
 */
export class DecisionEvents extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      description: 'Decisions of the bounce pipeline: campaign findings, pauses and resumes, address changes',
    });
  }

  /** Lets a function put events on the bus (and nothing else), and tells it the bus's name. */
  allowPublish(fn: {
    readonly function: IFunction;
    readonly setGranted: (name: keyof typeof DECISION_EVENTS_ENV, value: string) => void;
  }): void {
    fn.function.addToRolePolicy(new PolicyStatement({ actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }));
    fn.setGranted('EVENT_BUS_NAME', this.bus.eventBusName);
  }
}
