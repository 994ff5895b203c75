/**
 * `require('vscode')` answered by a small stub (./vscode-stub.cjs) for the host-logic tests.
 * Import this module before any extension/ module that imports `vscode`, and load those with
 * a dynamic import so the order holds.
 */
import Module from 'node:module';
import { join } from 'node:path';

const stub = join(__dirname, 'vscode-stub.cjs');
const M = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') return stub;
  return resolve.call(this, request, ...rest);
};
