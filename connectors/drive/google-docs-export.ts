/** How Google Docs Editors files are handled: skipped with a reason, or exported to Office formats or PDF. */
export type GoogleDocsMode = 'skip' | 'office' | 'pdf';

/** The prefix of Drive's own types: they hold no file bytes (Docs, Sheets, Slides, Forms, shortcuts...). */
export const GOOGLE_APPS_PREFIX = 'application/vnd.google-apps.';

/** Drive's folder type. */
export const FOLDER_MIME = 'application/vnd.google-apps.folder';

interface ExportFormat {
  readonly mimeType: string;
  readonly extension: string;
}

const PDF: ExportFormat = { mimeType: 'application/pdf', extension: '.pdf' };

const OFFICE: Readonly<Record<string, ExportFormat>> = {
  'application/vnd.google-apps.document': {
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: '.docx',
  },
  'application/vnd.google-apps.spreadsheet': {
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: '.xlsx',
  },
  'application/vnd.google-apps.presentation': {
    mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extension: '.pptx',
  },
  'application/vnd.google-apps.drawing': PDF,
};

/** The export of a Google Docs file in this mode, or why it is skipped. */
export function googleDocExport(
  mimeType: string,
  mode: GoogleDocsMode,
): { readonly kind: 'export'; readonly format: ExportFormat } | { readonly kind: 'skip'; readonly reason: string } {
  const type = mimeType.slice(GOOGLE_APPS_PREFIX.length);
  const format = mode === 'pdf' ? (type === 'form' || type === 'shortcut' ? undefined : PDF) : OFFICE[mimeType];
  switch (mode) {
    case 'skip':
      return {
        kind: 'skip',
        reason: `a Google ${type} file holds no bytes to copy (choose an export format for Google Docs to copy it)`,
      };
    case 'office':
    case 'pdf':
      return format === undefined
        ? {
            kind: 'skip',
            reason: `a Google ${type} file cannot be exported to ${mode === 'pdf' ? 'PDF' : 'an Office format'}`,
          }
        : { kind: 'export', format };
  }
}
