import { defineDescriptor, type OptionsOf } from './connector-descriptor';

/** Google Drive: a folder of a Shared Drive or of My Drive, reached with a service account or a Google account (OAuth). */
export const driveDescriptor = defineDescriptor({
  kind: 'drive',
  label: 'Google Drive',
  description:
    'A folder in Google Drive, reached with a service account key (uploads then need a Shared Drive) or by signing in with a Google account.',
  options: {
    auth: {
      type: 'enum',
      label: 'Sign in with',
      help: 'Service account: a JSON key, the usual way for an organisation (uploads need a Shared Drive). Google account: you sign in once in the browser; Ferry keeps the refresh token.',
      required: false,
      values: [
        { value: 'serviceAccount', label: 'Service account key' },
        { value: 'oauth', label: 'Google account (sign in in the browser)' },
      ],
      default: 'serviceAccount',
    },
    serviceAccountJson: {
      type: 'string',
      label: 'Service account key (JSON)',
      help: 'Contents of the JSON key file of a service account that is a member of the Shared Drive (or that the folder is shared with).',
      required: false,
      secret: true,
      multiline: true,
      contents: 'json',
      examples: ['{"type":"service_account","project_id":"...","private_key":"...","client_email":"..."}'],
    },
    clientId: {
      type: 'string',
      label: 'OAuth client ID',
      help: 'Client ID of an OAuth client of type "Desktop app" (Google Cloud console > APIs & Services > Credentials), for signing in with a Google account.',
      required: false,
      pattern: '^[\\w.-]+$',
      examples: ['1234567890-abc.apps.googleusercontent.com'],
    },
    clientSecret: {
      type: 'string',
      label: 'OAuth client secret',
      help: 'Client secret of that OAuth client (Google issues one to desktop clients too).',
      required: false,
      secret: true,
    },
    refreshToken: {
      type: 'string',
      label: 'Refresh token',
      help: 'Saved by the browser sign-in (and renewed by Ferry when Google rotates it); paste one only when it was made elsewhere for this client.',
      required: false,
      secret: true,
      advanced: true,
    },
    tokenUrl: {
      type: 'string',
      label: 'OAuth token endpoint',
      help: 'Where refresh tokens are exchanged for access tokens, for a local test server. Empty: https://oauth2.googleapis.com/token.',
      required: false,
      advanced: true,
      pattern: '^https?://\\S+$',
    },
    driveId: {
      type: 'string',
      label: 'Shared Drive ID',
      help: 'ID of the Shared Drive (the last part of its address in the browser). Empty: My Drive, where a service account can read but not upload.',
      required: false,
      pattern: '^[A-Za-z0-9_-]{10,100}$',
      examples: ['0AB1cDeFgHiJkUk9PVA'],
    },
    folderId: {
      type: 'string',
      label: 'Folder ID',
      help: 'ID of the folder this connector works in (the last part of its address in the browser). Empty: the top of the Shared Drive, or of My Drive.',
      required: false,
      pattern: '^[A-Za-z0-9_-]{10,100}$',
      examples: ['1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVw'],
    },
    googleDocs: {
      type: 'enum',
      label: 'Google Docs, Sheets and Slides',
      help: 'They hold no file bytes: skip them (listed as refused with the reason), or export them to Office formats or to PDF.',
      required: false,
      values: [
        { value: 'skip', label: 'Skip them' },
        { value: 'office', label: 'Export to Office formats (docx, xlsx, pptx)' },
        { value: 'pdf', label: 'Export to PDF' },
      ],
      default: 'skip',
    },
    apiEndpoint: {
      type: 'string',
      label: 'API endpoint',
      help: 'Base URL of the Drive API, for a local test server. Empty: https://www.googleapis.com.',
      required: false,
      advanced: true,
      pattern: '^https?://[^\\s/]+$',
    },
    simpleUploadThresholdMiB: {
      type: 'integer',
      label: 'Simple upload threshold (MiB)',
      help: 'Files up to this size are sent in one request; larger ones (and streams of unknown size) use resumable uploads.',
      required: false,
      advanced: true,
      min: 0,
      max: 1024,
      default: 8,
    },
    chunkSizeMiB: {
      type: 'integer',
      label: 'Resumable chunk size (MiB)',
      help: 'Size of the chunks of resumable uploads (a multiple of 256 KiB); a lost connection re-sends at most one chunk.',
      required: false,
      advanced: true,
      min: 1,
      max: 1024,
      default: 8,
    },
  },
});

/** Validated options of a Google Drive connector. */
export type DriveOptions = OptionsOf<typeof driveDescriptor.options>;
