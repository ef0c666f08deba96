import { benchClassify } from './classify.js';
import { benchCli } from './cli.js';
benchClassify();
benchCli();
