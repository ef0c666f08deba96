import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  JsonSchemaType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Model,
  RequestValidator,
  RestApi,
  type IModel,
  type IResource,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PipelineFunction } from './pipeline-function.js';
import { STATUS_INDEX } from '../../shared/adapters/outbound/tables.js';

export interface LookupApiProps {
  readonly addressTable: ITable;
  readonly campaignTable: ITable;
  /** @default 50 requests per second steady, bursts of 100 */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/**
 * The suppression look-up API: REST API, IAM-authorised on every method,
 * request validation, access and execution logging, throttling; one function.
 */
export class LookupApi extends Construct {
  readonly api: RestApi;
  readonly handler: PipelineFunction<'api'>;

  constructor(scope: Construct, id: string, props: LookupApiProps) {
    super(scope, id);
    this.handler = new PipelineFunction(this, 'Handler', {
      name: 'api',
      description: 'Suppression look-up, check, list, suppress and release',
      timeout: Duration.seconds(15),
      environment: { ADDRESS_TABLE_NAME: props.addressTable.tableName, CAMPAIGN_TABLE_NAME: props.campaignTable.tableName },
    });
    const fn = this.handler.function;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
        resources: [props.addressTable.tableArn, `${props.addressTable.tableArn}/index/${STATUS_INDEX}`],
      }),
    );
    // Health reads counters (batch) and delays (query); pausing reads, writes and deletes the PAUSE item;
    // an event that cannot be published is put in the OUTBOX partition.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [props.campaignTable.tableArn],
      }),
    );

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    this.api = new RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-suppressions`,
      description: 'Suppression look-up API of the SES bounce pipeline',
      // API Gateway writes execution logs through one role per account and region.
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // request bodies carry addresses: never in logs
        metricsEnabled: true,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
      },
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id:
          'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/' +
          'service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'AmazonAPIGatewayPushToCloudWatchLogs is the AWS-documented policy of ' +
          'the account-level role API Gateway uses for execution logs; AWS scopes ' +
          'it to the log groups API Gateway creates, whose names are only known ' +
          'at run time.',
      });
    }

    const integration = new LambdaIntegration(fn);
    const validateAll = new RequestValidator(this, 'ValidateAll', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const model = (name: string, schema: Record<string, unknown>): IModel =>
      new Model(this, name, { restApi: this.api, contentType: 'application/json', schema: schema as never });
    const reasonBody = model('ReasonBody', {
      type: JsonSchemaType.OBJECT,
      required: ['reason'],
      properties: {
        reason: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 500 },
        sesReason: { type: JsonSchemaType.STRING, enum: ['BOUNCE', 'COMPLAINT'] },
      },
    });
    const checkBody = model('CheckBody', {
      type: JsonSchemaType.OBJECT,
      required: ['emails'],
      properties: { emails: { type: JsonSchemaType.ARRAY, minItems: 1, maxItems: 1000, items: { type: JsonSchemaType.STRING } } },
    });
    const withBody = (resource: IResource, method: string, body: IModel) =>
      resource.addMethod(method, integration, { requestValidator: validateAll, requestModels: { 'application/json': body } });
    const plain = (resource: IResource, method: string, parameters: Record<string, boolean> = {}) =>
      resource.addMethod(method, integration, { requestValidator: validateAll, requestParameters: parameters });

    const suppressions = this.api.root.addResource('suppressions');
    plain(suppressions, 'GET', {
      'method.request.querystring.status': false,
      'method.request.querystring.reason': false,
      'method.request.querystring.campaign': false,
      'method.request.querystring.since': false,
      'method.request.querystring.limit': false,
      'method.request.querystring.nextToken': false,
    });
    withBody(suppressions.addResource('check'), 'POST', checkBody);
    const one = suppressions.addResource('{email}');
    plain(one, 'GET', { 'method.request.path.email': true });
    withBody(one, 'PUT', reasonBody);
    // DELETE releases; with ?erase=true it erases the address's data (same body).
    one.addMethod('DELETE', integration, {
      requestValidator: validateAll,
      requestModels: { 'application/json': reasonBody },
      requestParameters: { 'method.request.querystring.erase': false },
    });
    const campaigns = this.api.root.addResource('campaigns');
    plain(campaigns, 'GET', { 'method.request.querystring.hours': false });
    const campaign = campaigns.addResource('{id}');
    const campaignHealth = campaign.addResource('health');
    plain(campaignHealth, 'GET', { 'method.request.path.id': true, 'method.request.querystring.hours': false });
    plain(campaign.addResource('series'), 'GET', { 'method.request.path.id': true, 'method.request.querystring.hours': false });
    const pause = campaign.addResource('pause');
    plain(pause, 'GET', { 'method.request.path.id': true });
    withBody(pause, 'PUT', reasonBody);
    withBody(pause, 'DELETE', reasonBody);

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG4',
      reason:
        'Every method uses AWS_IAM (SigV4) authorisation: callers are sending ' +
        'systems and operators with IAM identities, scoped by IAM policies; a ' +
        'Cognito user pool would add a user directory the product does not ' +
        'need.',
    });
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG3',
      reason:
        'IAM authorisation rejects unsigned requests before they reach the ' +
        'function and the stage is throttled; operators who want WAF rules ' +
        'attach their web ACL to the stage (docs/deploying.md).',
    });
  }
}
