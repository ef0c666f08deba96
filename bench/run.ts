import { benchClassify } from './classify.js';

// Each benchmark prints its own figures; none of them asserts a time.
benchClassify();
