/**
 * `pattern` and `sample` never touch AWS, so they must not pay for loading the AWS SDK (about a third of the
 * command's start): the SDK is loaded only by `evaluate` and `report`, and only once their command line is known
 * good (their --help and usage errors load none). Each SDK client module records when it is loaded.
 */
const loaded: string[] = [];

function recordLoad(name: string): unknown {
  loaded.push(name);
  return jest.requireActual(name);
}

jest.mock('@aws-sdk/client-cloudtrail', () => recordLoad('@aws-sdk/client-cloudtrail'));
jest.mock('@aws-sdk/client-cloudwatch', () => recordLoad('@aws-sdk/client-cloudwatch'));
jest.mock('@aws-sdk/client-cloudwatch-logs', () => recordLoad('@aws-sdk/client-cloudwatch-logs'));
jest.mock('@aws-sdk/client-config-service', () => recordLoad('@aws-sdk/client-config-service'));
jest.mock('@aws-sdk/client-organizations', () => recordLoad('@aws-sdk/client-organizations'));
jest.mock('@aws-sdk/client-sns', () => recordLoad('@aws-sdk/client-sns'));
jest.mock('@aws-sdk/client-sts', () => recordLoad('@aws-sdk/client-sts'));

import { runInMemory } from '../support/cli-io';

const onThisNode = { nodeVersion: process.version };

it.each([
  ['pattern', ['pattern', '{ $.errorCode = "x" }']],
  ['sample', ['sample']],
  ['--help', ['--help']],
  ['evaluate --help', ['evaluate', '--help']],
  ['evaluate with a bad option', ['evaluate', '--param', 'AllowBroadFilterPattern=maybe']],
  ['report --help', ['report', '--help']],
  ['report with a usage error', ['report', '--aggregator', 'org', '--format', 'xml']],
  ['report without a region', ['report', '--aggregator', 'org']],
])('%s loads no AWS SDK client', async (_what, argv) => {
  await runInMemory(argv, onThisNode);
  expect(loaded).toEqual([]);
});

it('evaluate loads the SDK clients it uses (the check above would see them)', async () => {
  // No region: the command stops (exit 2) before any call to AWS.
  const noRegion = { defaultRegion: async () => undefined, createReader: jest.fn(), configClient: jest.fn() };
  const { code } = await runInMemory(['evaluate'], onThisNode, noRegion);
  expect(code).toBe(2);
  expect(loaded).toEqual(expect.arrayContaining(['@aws-sdk/client-sts', '@aws-sdk/client-config-service']));
});
