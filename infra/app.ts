import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BouncePipelineStack } from './bounce-pipeline-stack.js';

const app = new App();
new BouncePipelineStack(app, 'BouncePipeline', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Amazon SES bounce, complaint and delivery handling pipeline',
  alertEmail: app.node.tryGetContext('alertEmail') as string | undefined,
  keepPreviousStatusIndex: String(app.node.tryGetContext('keepPreviousStatusIndex')) === 'true',
  sending: {
    identity: (app.node.tryGetContext('sesIdentity') as string | undefined) ?? 'example.com',
    configurationSetName: (app.node.tryGetContext('configurationSet') as string | undefined) ?? 'bounce-pipeline',
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
