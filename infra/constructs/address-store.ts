import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  ADDRESS_TABLE,
  CAMPAIGN_TABLE,
  PREVIOUS_STATUS_INDEX,
  TTL_ATTRIBUTE,
  type TableDescription,
} from '../../shared/adapters/outbound/tables.js';

function tableFrom(scope: Construct, id: string, description: TableDescription): Table {
  const table = new Table(scope, id, {
    partitionKey: { name: description.partitionKey, type: AttributeType.STRING },
    sortKey: { name: description.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    // Suppression lists and counters are the product's memory: never deleted with the stack.
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
  });
  for (const index of description.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      ...(index.nonKeyAttributes
        ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.nonKeyAttributes] }
        : { projectionType: ProjectionType.ALL }),
    });
  }
  return table;
}

export interface AddressStoreProps {
  /**
   * Keep the previous status index (`byStatus`) beside the sharded one: the first of the two deploys that
   * upgrade a stack deployed before the sharded index (see PREVIOUS_STATUS_INDEX).
   * @default false
   */
  readonly keepPreviousStatusIndex?: boolean;
}

/** The two tables (layout in shared/adapters/tables.ts, shared with the local runtime). */
export class AddressStore extends Construct {
  readonly addressTable: Table;
  readonly campaignTable: Table;

  constructor(scope: Construct, id: string, props: AddressStoreProps = {}) {
    super(scope, id);
    this.addressTable = tableFrom(
      this,
      'AddressTable',
      props.keepPreviousStatusIndex ? { ...ADDRESS_TABLE, indexes: [PREVIOUS_STATUS_INDEX, ...ADDRESS_TABLE.indexes] } : ADDRESS_TABLE,
    );
    this.campaignTable = tableFrom(this, 'CampaignTable', CAMPAIGN_TABLE);
  }
}
