/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// Imported first by implementation.ts. The sandbox Thunderbird runs experiment
// scripts in has no TextEncoder/TextDecoder, which the codec (src/protocol)
// needs when it is loaded: bring them in before anything else runs.

const sandbox = globalThis as unknown as {
  TextEncoder?: unknown;
  TextDecoder?: unknown;
  Cu: { importGlobalProperties(names: string[]): void };
};

if (typeof sandbox.TextEncoder === 'undefined' || typeof sandbox.TextDecoder === 'undefined') {
  sandbox.Cu.importGlobalProperties(['TextEncoder', 'TextDecoder']);
}

export {};
