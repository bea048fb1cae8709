import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { type ConnectionStage, connectionCheckSteps } from '../../../connectors/check/connection-steps';
import { runCheckSteps } from '../../../connectors/check/check-runner';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hints = { resolve: 'r', connect: 'c', handshake: 'h', authenticate: 'a' } as const;

/** A connection opening whose stages take the given times, failing at `failAt` when given. */
function opening(times: Readonly<Record<ConnectionStage, number>>, failAt?: ConnectionStage) {
  return connectionCheckSteps({
    async open(report) {
      for (const stage of ['resolve', 'connect', 'handshake', 'authenticate'] as const) {
        await sleep(times[stage]);
        if (stage === failAt) throw Object.assign(new Error('refused'), { stage });
        report(stage, `${stage} done`);
      }
    },
    hints,
    failure: (error) => ({ stage: (error as { stage: ConnectionStage }).stage, error }),
    mapError: () => new ConnectorError('AuthFailed', 'The server refused the password'),
  });
}

const durations = async (check: ReturnType<typeof opening>) =>
  Object.fromEntries((await runCheckSteps(check.plans)).steps.map((s) => [s.id, s.durationMs]));

describe('connection check steps: each step shows its own measured time', () => {
  it('splits one connection opening by stage instead of charging it all to the first step', async () => {
    const ms = await durations(opening({ resolve: 5, connect: 40, handshake: 5, authenticate: 80 }));
    expect(ms['resolve']).toBeLessThan(30);
    expect(ms['connect']).toBeGreaterThanOrEqual(35);
    expect(ms['connect']).toBeLessThan(75);
    expect(ms['authenticate']).toBeGreaterThanOrEqual(75);
  });

  it('times a failing stage from the end of the one before it', async () => {
    const ms = await durations(opening({ resolve: 5, connect: 5, handshake: 5, authenticate: 60 }, 'authenticate'));
    expect(ms['authenticate']).toBeGreaterThanOrEqual(55);
    expect(ms['resolve']).toBeLessThan(30);
  });
});
