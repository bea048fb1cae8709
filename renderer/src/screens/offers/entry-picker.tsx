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
import { IconFile, IconFolder } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BROWSER_MAX_WINDOW } from '../../../../shared/ipc/browser-ipc';
import { i18n } from '../../i18n/i18n';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { CrumbLink } from '../browser/crumb-link';
import { crumbsOf, formatSize } from '../browser/format';

/** Where the picker browses: the local disk or one of my connectors (through main), or an organisation connector. */
export type PickerSource =
  { readonly kind: 'mine'; readonly connectorId: string } | { readonly kind: 'org'; readonly connectorId: string };

/** The local disk's connector id (main resolves it; see DriverProvider). */
export const LOCAL_DISK = 'local-disk';

interface PickerEntry {
  readonly name: string;
  readonly path: string;
  readonly type: 'file' | 'directory';
  readonly size?: number;
}

type Listing =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly entries: readonly PickerEntry[]; readonly more: boolean }
  | { readonly status: 'failed'; readonly message: string };

async function listOf(source: PickerSource, path: string): Promise<{ entries: PickerEntry[]; more: boolean }> {
  if (source.kind === 'mine') {
    const w = await invoke('browser.list', {
      connectorId: source.connectorId,
      path,
      offset: 0,
      limit: BROWSER_MAX_WINDOW,
      sort: { by: 'type', direction: 'asc' },
      filter: '',
    });
    return { entries: w.entries, more: w.matched > w.entries.length };
  }
  const page = await invoke('orgConnectors.entries', {
    params: { connectorId: source.connectorId },
    query: { path, limit: 1000 },
  });
  const entries = [...page.entries].sort((a, b) =>
    a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1,
  );
  return { entries, more: page.cursor !== null };
}

/**
 * Chooses files and folders (to upload or import) or one folder (a subscription's source) on the local disk, one of
 * my connectors or an organisation connector, inside the app: the same code runs in Electron and the test harness.
 * The local disk starts in the home folder; a path can be typed.
 */
export function EntryPicker({
  source,
  mode,
  title,
  chooseLabel,
  onChoose,
  onClose,
}: {
  readonly source: PickerSource;
  readonly mode: 'items' | 'folder';
  readonly title: string;
  /** The confirm button's label; `count` is the number of picked entries. */
  readonly chooseLabel: (count: number) => string;
  /** The picked paths (items) or the folder (folder mode, one path). */
  readonly onChoose: (paths: readonly string[]) => void;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const { kind, connectorId } = source;
  const [where, setWhere] = useState<string | undefined>(
    source.kind === 'mine' && source.connectorId === LOCAL_DISK ? undefined : '',
  );
  const [typed, setTyped] = useState('');
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    if (where !== undefined) return;
    invoke('browser.places', {}).then(
      ({ home }) => {
        setWhere(home.path);
        setTyped(home.path);
      },
      (error: unknown) => setListing({ status: 'failed', message: errorMessage(error) }),
    );
  }, [where]);
  useEffect(() => {
    if (where === undefined) return;
    let current = true;
    listOf({ kind, connectorId }, where).then(
      (l) => current && setListing({ status: 'ready', ...l }),
      (error: unknown) => current && setListing({ status: 'failed', message: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
    // The source's fields, not its object: a parent may pass a new but equal one on every render.
  }, [kind, connectorId, where]);

  const go = (path: string) => {
    const next = path.replace(/^\/+|\/+$/g, '');
    setListing({ status: 'loading' });
    setWhere(next);
    setTyped(next);
    setPicked(new Set());
  };
  const toggle = (path: string) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  const rootName = source.kind === 'mine' && source.connectorId === LOCAL_DISK ? t('offers.picker.computer') : '/';

  return (
    <Modal opened closeButtonProps={{ 'aria-label': t('offers.close') }} onClose={onClose} size="lg" title={title}>
      <Stack gap="sm">
        {where !== undefined && (
          <Breadcrumbs separator="/" aria-label={t('offers.picker.breadcrumbs')}>
            <CrumbLink onClick={() => go('')}>{rootName}</CrumbLink>
            {crumbsOf(where).map((c) => (
              <CrumbLink key={c.path} onClick={() => go(c.path)}>
                {c.name}
              </CrumbLink>
            ))}
          </Breadcrumbs>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            go(typed);
          }}
        >
          <Group gap="xs" align="flex-end">
            <TextInput
              label={t('offers.picker.path')}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Button type="submit" variant="default">
              {t('offers.picker.go')}
            </Button>
          </Group>
        </form>
        <ScrollArea h={300} type="auto">
          {listing.status === 'loading' && <Loader size="sm" aria-label={t('app.loading')} />}
          {listing.status === 'failed' && (
            <Alert color="red" role="alert">
              {listing.message}
            </Alert>
          )}
          {listing.status === 'ready' && (
            <Stack gap={2} role="list" aria-label={t('offers.picker.entries')}>
              {listing.entries.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t('offers.picker.empty')}
                </Text>
              )}
              {listing.entries.map((e) => (
                <Group key={e.path} gap="xs" wrap="nowrap" role="listitem">
                  {mode === 'items' && (
                    <Checkbox
                      aria-label={t('offers.picker.pick', { name: e.name })}
                      checked={picked.has(e.path)}
                      onChange={() => toggle(e.path)}
                    />
                  )}
                  {e.type === 'directory' ? <IconFolder size={16} aria-hidden /> : <IconFile size={16} aria-hidden />}
                  {e.type === 'directory' ? (
                    <UnstyledButton onClick={() => go(e.path)} aria-label={t('offers.picker.open', { name: e.name })}>
                      <Text size="sm">{e.name}</Text>
                    </UnstyledButton>
                  ) : (
                    <Text size="sm">
                      {e.name}
                      {e.size !== undefined && (
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
                  {t('offers.picker.more')}
                </Text>
              )}
            </Stack>
          )}
        </ScrollArea>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('offers.cancel')}
          </Button>
          {mode === 'folder' ? (
            <Button disabled={where === undefined} onClick={() => where !== undefined && onChoose([where])}>
              {chooseLabel(1)}
            </Button>
          ) : (
            <Button disabled={picked.size === 0} onClick={() => onChoose([...picked])}>
              {chooseLabel(picked.size)}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
