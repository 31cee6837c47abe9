// Imported first by outgoing.ts: the experiment's sandbox has no TextEncoder/TextDecoder,
// which the protocol codec (src/protocol/bytes.ts) creates when its module is evaluated.
import { Cu } from './chrome.js';

Cu.importGlobalProperties(['TextEncoder', 'TextDecoder']);
