import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BouncePipelineStack } from '../../infra/bounce-pipeline-stack.js';

const env = { account: '111122223333', region: 'eu-west-1' };
let template: Template;

beforeAll(() => {
  // Template assertions only (no esbuild): the stack test bundles the app for real.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BouncePipelineStack(app, 'BouncePipeline', { env });
  template = Template.fromStack(stack);
});

const SECRET = 'ErasureSecret7DA571A5';
const KEY = 'ErasureKey059E7BBD';

/** The logical ids of the functions whose role may read the secret, by the statements that name it. */
function readersOfSecret(): string[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([, policy]) =>
      (policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]).some(
        (s) =>
          JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue') &&
          JSON.stringify(s.Resource) === JSON.stringify({ Ref: SECRET }),
      ),
    )
    .flatMap(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).map((role) => role.Ref.replace(/[0-9A-F]{8}$/, '')))
    .sort();
}

describe('erasure key', () => {
  it('is a generated Secrets Manager secret under its own rotating KMS key, kept when the stack goes (stable ids)', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        KmsKeyId: { 'Fn::GetAtt': [KEY, 'Arn'] },
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret'))).toEqual([SECRET]);
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toContain(KEY);
    // Never rotated: a new key would re-open every erased address.
    expect(Object.keys(template.findResources('AWS::SecretsManager::RotationSchedule'))).toEqual([]);
  });

  it('is read only by the classify, send, retry and api functions, which get its ARN', () => {
    expect(readersOfSecret()).toEqual(['IngestionClassifyRole', 'LookupApiHandlerRole', 'RetriesRetryRole', 'RetriesSendRole']);
    const functions = template.findResources('AWS::Lambda::Function');
    const withArn = Object.entries(functions)
      .filter(([, fn]) => JSON.stringify(fn.Properties.Environment?.Variables?.ERASURE_SECRET_ARN) === JSON.stringify({ Ref: SECRET }))
      .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))
      .sort();
    expect(withArn).toEqual(['IngestionClassifyFunction', 'LookupApiHandlerFunction', 'RetriesRetryFunction', 'RetriesSendFunction']);
  });

  it('can be decrypted only through Secrets Manager: by the four functions, and by nobody directly', () => {
    const key = template.findResources('AWS::KMS::Key')[KEY];
    const statements = key?.Properties.KeyPolicy.Statement as { Action: unknown; Condition?: unknown; Principal: { AWS: unknown } }[];
    const decrypt = statements.filter((s) => JSON.stringify(s.Action).includes('kms:Decrypt'));
    for (const statement of decrypt)
      expect(statement.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } });
    const roles = decrypt
      .map((s) => JSON.stringify(s.Principal.AWS))
      .filter((p) => p.includes('Role'))
      .map((p) => /"(\w+?)[0-9A-F]{8}"/.exec(p)?.[1])
      .sort();
    expect(roles).toEqual(['IngestionClassifyRole', 'LookupApiHandlerRole', 'RetriesRetryRole', 'RetriesSendRole']);
  });

  it('lets the API function delete in batches from both tables, nothing wider', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:BatchWriteItem',
            Resource: [{ 'Fn::GetAtt': ['StoreAddressTable9BD71C9B', 'Arn'] }, { 'Fn::GetAtt': ['StoreCampaignTableA2A09C9F', 'Arn'] }],
          },
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^LookupApiHandlerRole') }],
    });
  });

  it('takes ?erase on DELETE /suppressions/{email}', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'DELETE',
      RequestParameters: { 'method.request.querystring.erase': false },
    });
  });
});
