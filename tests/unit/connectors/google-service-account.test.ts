import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { parseGoogleServiceAccount } from '../../../connectors/google/google-service-account';

const key = {
  type: 'service_account',
  private_key: '-----BEGIN PRIVATE KEY-----\nsecret-bytes\n-----END PRIVATE KEY-----\n',
  client_email: 'ferry@example.iam.gserviceaccount.com',
};

function refusal(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a pasted Google service-account key', () => {
  it('serves Drive without a project, and Cloud Storage only with one', () => {
    expect(parseGoogleServiceAccount(JSON.stringify(key)).client_email).toBe(key.client_email);
    const error = refusal(() => parseGoogleServiceAccount(JSON.stringify(key), 'project'));
    expect(error.code).toBe('InvalidInput');
    expect(error.message).toContain('project_id');
    const withProject = parseGoogleServiceAccount(JSON.stringify({ ...key, project_id: 'p-1' }), 'project');
    expect(withProject.project_id).toBe('p-1');
  });

  it('names what is wrong without echoing the key', () => {
    const notJson = refusal(() => parseGoogleServiceAccount(`{"private_key": "${key.private_key}`));
    expect(notJson.message).toBe('The service account key is not valid JSON.');
    const oauthClient = refusal(() =>
      parseGoogleServiceAccount(JSON.stringify({ installed: { client_id: 'x', client_secret: 'hush' } })),
    );
    expect(oauthClient.message).toMatch(/lacks or has invalid fields: type, private_key, client_email/);
    expect(oauthClient.hint).toContain('not an OAuth client');
    for (const error of [notJson, oauthClient]) {
      expect(`${error.message} ${error.hint ?? ''}`).not.toContain('secret');
    }
  });
});
