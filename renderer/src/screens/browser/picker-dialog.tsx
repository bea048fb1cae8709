import {
  Alert,
  Breadcrumbs,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  ScrollArea,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { IconArrowRight, IconFile, IconFolder } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatSize } from '../../../../shared/format/format-size';
import { i18n } from '../../i18n/i18n';
import { CrumbLink } from './crumb-link';
import { crumbsOf } from './format';

/** A file or folder a picker lists. */
export interface PickerEntry {
  readonly name: string;
  readonly path: string;
  readonly type: 'file' | 'directory';
  readonly size?: number;
}

/** What a picker's folder holds: loading, its entries (and whether more exist than listed), or why it failed. */
export type PickerListing =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly entries: readonly PickerEntry[]; readonly more: boolean }
  | { readonly status: 'failed'; readonly message: string };

/** The words of a picker, from its screen's translations. */
export interface PickerLabels {
  readonly title: string;
  /** The breadcrumbs' root (this computer, or `/` of a connector). */
  readonly root: string;
  readonly breadcrumbs: string;
  readonly typedPath: string;
  readonly typedPathHint?: string;
  readonly go: string;
  readonly empty: string;
  readonly more: string;
  readonly cancel: string;
  readonly close?: string;
  /** The list's accessible name. */
  readonly entries?: string;
  readonly pick: (name: string) => string;
  /** A folder's open button's accessible name (its name alone when not given). */
  readonly open?: (name: string) => string;
  /** The confirm button's label; `count` is the number of picked entries (1 in folder mode). */
  readonly choose: (count: number) => string;
}

/**
 * The folder picker's dialog, shared by the browser's and the offers' pickers (each loads its folders its own way):
 * breadcrumbs, a typed path with Go (and `tools` beside it, e.g. refresh), an optional `filter`, the folder's entries
 * (checkboxes in items mode, folders open on click), cancel and choose. Picked entries are cleared on moving.
 */
export function PickerDialog({
  mode,
  labels,
  where,
  listing,
  onGo,
  typed,
  onTypedChange,
  onTypedSubmit,
  typedError,
  tools,
  filter,
  showSizes = false,
  onChoose,
  onClose,
}: {
  readonly mode: 'items' | 'folder';
  readonly labels: PickerLabels;
  /** The folder shown (a path), undefined until known. */
  readonly where: string | undefined;
  readonly listing: PickerListing;
  readonly onGo: (path: string) => void;
  readonly typed: string;
  readonly onTypedChange: (value: string) => void;
  readonly onTypedSubmit: () => void;
  readonly typedError?: string | undefined;
  readonly tools?: ReactNode;
  readonly filter?: ReactNode;
  readonly showSizes?: boolean;
  /** The picked paths (items), or the shown folder (folder mode, one path). */
  readonly onChoose: (paths: readonly string[]) => void;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  // What was picked belongs to the folder it was picked in: moving elsewhere starts with nothing picked.
  const [pickedIn, setPickedIn] = useState<{ readonly folder?: string; readonly paths: ReadonlySet<string> }>({
    paths: new Set(),
  });
  const picked: ReadonlySet<string> = pickedIn.folder === where ? pickedIn.paths : new Set();
  const toggle = (path: string) => {
    const next = new Set(picked);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setPickedIn({ ...(where !== undefined ? { folder: where } : {}), paths: next });
  };

  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={labels.title}
      {...(labels.close ? { closeButtonProps: { 'aria-label': labels.close } } : {})}
    >
      <Stack gap="sm">
        {where !== undefined && (
          <Breadcrumbs separator="/" aria-label={labels.breadcrumbs}>
            <CrumbLink onClick={() => onGo('')}>{labels.root}</CrumbLink>
            {crumbsOf(where).map((c) => (
              <CrumbLink key={c.path} onClick={() => onGo(c.path)}>
                {c.name}
              </CrumbLink>
            ))}
          </Breadcrumbs>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onTypedSubmit();
          }}
        >
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              label={labels.typedPath}
              placeholder={labels.typedPathHint}
              value={typed}
              error={typedError}
              onChange={(e) => onTypedChange(e.currentTarget.value)}
              spellCheck={false}
              autoComplete="off"
              data-testid="picker-path"
            />
            <Button type="submit" variant="default" mt={25} rightSection={<IconArrowRight size={14} aria-hidden />}>
              {labels.go}
            </Button>
            {tools}
          </Group>
        </form>
        {filter}
        <ScrollArea h={300} type="auto">
          {listing.status === 'loading' && <Loader size="sm" aria-label={t('app.loading')} />}
          {listing.status === 'failed' && (
            <Alert color="red" role="alert">
              {listing.message}
            </Alert>
          )}
          {listing.status === 'ready' && (
            <Stack gap={2} role="list" aria-label={labels.entries}>
              {listing.entries.length === 0 && (
                <Text size="sm" c="dimmed">
                  {labels.empty}
                </Text>
              )}
              {listing.entries.map((e) => (
                <Group key={e.path} gap="xs" wrap="nowrap" role="listitem">
                  {mode === 'items' && (
                    <Checkbox
                      aria-label={labels.pick(e.name)}
                      checked={picked.has(e.path)}
                      onChange={() => toggle(e.path)}
                    />
                  )}
                  {e.type === 'directory' ? <IconFolder size={16} aria-hidden /> : <IconFile size={16} aria-hidden />}
                  {e.type === 'directory' ? (
                    <UnstyledButton onClick={() => onGo(e.path)} aria-label={labels.open?.(e.name)}>
                      <Text size="sm">{e.name}</Text>
                    </UnstyledButton>
                  ) : (
                    <Text size="sm">
                      {e.name}
                      {showSizes && e.size !== undefined && (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          ({formatSize(e.size, i18n.language)})
                        </Text>
                      )}
                    </Text>
                  )}
                </Group>
              ))}
              {listing.more && (
                <Text size="xs" c="dimmed">
                  {labels.more}
                </Text>
              )}
            </Stack>
          )}
        </ScrollArea>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {labels.cancel}
          </Button>
          {mode === 'folder' ? (
            <Button
              color="blue.8"
              disabled={where === undefined}
              onClick={() => where !== undefined && onChoose([where])}
            >
              {labels.choose(1)}
            </Button>
          ) : (
            <Button
              color="blue.8"
              disabled={where === undefined || picked.size === 0}
              onClick={() => onChoose([...picked])}
            >
              {labels.choose(picked.size)}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
