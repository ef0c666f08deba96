import { Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertsProps {
  /**
   * Email address subscribed to the alert topic.
   * @default no subscription
   */
  readonly email?: string;
}

/** The SNS topic every alarm of the pipeline notifies (encrypted; CloudWatch may publish). */
export class Alerts extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    const key = new Key(this, 'Key', { enableKeyRotation: true, description: 'Encrypts the bounce pipeline alert topic' });
    // CloudWatch alarms of this account (only) publish to the encrypted topic: the key grant and the topic grant carry the same condition.
    const alarmsOfThisAccount = () =>
      new ServicePrincipal('cloudwatch.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } });
    key.grant(alarmsOfThisAccount(), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { masterKey: key, enforceSSL: true, displayName: 'Bounce pipeline alerts' });
    this.topic.grantPublish(alarmsOfThisAccount());
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
