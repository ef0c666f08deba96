import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ERASURE_KEY_ENV } from '../../shared/config/contract.js';

/**
 * The key of the keyed hash (HMAC-SHA256) under which erased addresses stay
 * suppressed: a Secrets Manager secret the stack generates, encrypted with its
 * own KMS key, readable only by the functions granted here. Never rotated and
 * never deleted with the stack: a new key would orphan every tombstone.
 */
export class ErasureKey extends Construct {
  readonly secret: Secret;
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Encrypts the erasure key secret of the bounce pipeline',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.secret = new Secret(this, 'Secret', {
      description: 'HMAC key of erased addresses (tombstones); rotating or deleting it re-opens every erased address',
      encryptionKey: this.key,
      // 64 letters and digits: about 380 bits, no characters that need escaping anywhere.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'The secret is the key of the keyed hashes that tombstones are stored under: a rotated key ' +
        'would make every erased address unfindable, so it would be mailed again. It is never ' +
        'rotated; it is read only by the functions that need it and encrypted with its own KMS key.',
    });
  }

  /** The function reads the key at cold start: its ARN in ERASURE_SECRET_ARN, read on this secret and decrypt on its key only. */
  grantRead(fn: {
    readonly function: LambdaFunction;
    readonly setGranted: (name: keyof typeof ERASURE_KEY_ENV, value: string) => void;
  }): void {
    fn.setGranted('ERASURE_SECRET_ARN', this.secret.secretArn);
    this.secret.grantRead(fn.function);
  }

  /** Erasure deletes items of both tables in batches (its other calls are the look-up API's own). */
  allowErase(fn: LambdaFunction, tables: readonly ITable[]): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:BatchWriteItem'], resources: tables.map((table) => table.tableArn) }));
  }
}
