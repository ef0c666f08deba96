import { benchAccuracy } from './accuracy.js';
import { benchBodies } from './bodies.js';
import { benchBundles } from './bundles.js';
import { benchCampaignHour } from './campaign-hour.js';
import { benchClassify } from './classify.js';
import { benchHealth } from './health.js';
import { benchCounterContention } from './counter-contention.js';
import { benchCost } from './cost.js';
import { benchCli } from './cli.js';
import { benchIngest } from './ingest.js';
import { benchRetries } from './retries.js';
import { benchThroughput } from './throughput.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Each benchmark prints its own figures; none of them asserts a time.
benchAccuracy();
benchClassify();
benchCli();
await benchBundles();
await benchIngest();
await benchRetries();
await benchBodies();
await benchThroughput();
await benchHealth();
await benchCounterContention();
await benchCost();
// The longest: a campaign-hour through dynalite (100,000 sends; BENCH_CAMPAIGN_SENDS=1000000 for the million).
await benchCampaignHour();
