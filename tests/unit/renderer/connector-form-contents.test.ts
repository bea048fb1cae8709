import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_DESCRIPTORS } from '../../../shared/connectors/connector-descriptors';
import { initialValues, validate, type FormValues } from '../../../renderer/src/screens/connectors/form-values';

const locales = path.resolve(__dirname, '../../../renderer/src/i18n/locales');
const validation = (lang: string): Record<string, string> =>
  (
    JSON.parse(readFileSync(path.join(locales, lang, 'connectors.json'), 'utf8')) as {
      validation: Record<string, string>;
    }
  ).validation;

const ftps = CONNECTOR_DESCRIPTORS.ftps;
const sftp = CONNECTOR_DESCRIPTORS.sftp;
const withOption = (values: FormValues, name: string, value: string): FormValues => ({
  ...values,
  options: { ...values.options, [name]: value },
});
const withSecret = (values: FormValues, name: string, value: string): FormValues => ({
  ...values,
  secrets: { ...values.secrets, [name]: { action: 'set', value } },
});

describe('connector form: options that take the text of a file', () => {
  it('marks a path or the wrong kind of text before saving, in both languages', () => {
    const base = initialValues(ftps);
    expect(validate(ftps, withOption(base, 'ca', 'C:\\certs\\company-ca.crt'))['ca']).toEqual({ key: 'contentsPath' });
    expect(validate(ftps, withOption(base, 'ca', 'Company CA'))['ca']).toEqual({ key: 'pem-certificate' });
    expect(validate(ftps, withOption(base, 'ca', ''))['ca']).toBeUndefined();

    const key = initialValues(sftp);
    expect(validate(sftp, withSecret(key, 'privateKey', '~/.ssh/id_ed25519'))['privateKey']).toEqual({
      key: 'contentsPath',
    });
    expect(validate(sftp, withSecret(key, 'privateKey', 'ssh-ed25519 AAAAC3Nz me'))['privateKey']).toEqual({
      key: 'private-key',
    });
    for (const lang of ['en', 'fr']) {
      for (const problem of ['contentsPath', 'pem-certificate', 'private-key', 'json']) {
        expect(validation(lang)[problem], `${lang} ${problem}`).toBeTruthy();
      }
    }
  });
});
