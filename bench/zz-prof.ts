import { clearVerdictCache, parseNotification, recipientOutcomes } from '../shared/domain/index.js';
import { bounceStream } from './bounce-stream.js';
const { payloads } = bounceStream(20000, 'realistic');
let n = 0;
for (let r = 0; r < 15; r++) {
  clearVerdictCache();
  for (const p of payloads) {
    const res = parseNotification(p);
    if (res.ok && res.value.kind === 'event') n += recipientOutcomes(res.value.event).length;
  }
}
console.log(n);
