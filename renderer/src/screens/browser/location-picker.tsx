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
import type { BrowserEntry } from '../../../../shared/ipc/browser-ipc';
import { BROWSER_MAX_WINDOW } from '../../../../shared/ipc/browser-ipc';
import { invoke } from '../../ipc-client';
import { describeError as errorMessage } from '../connectors/connector-error-message';
import { CrumbLink } from './crumb-link';
import { crumbsOf } from './format';

/** A place on a connector (or the local disk). */
export interface PickedLocation {
  readonly connectorId: string;
  readonly path: string;
}

type Listing =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly entries: readonly BrowserEntry[]; readonly more: boolean }
  | { readonly status: 'failed'; readonly message: string };

/**
 * Chooses a folder (download destination) or files and folders (to upload) on the local disk, inside the app (no
 * native dialog: the same code runs in Electron and in the test harness). Starts in the user's home folder.
 */
export function LocationPicker({
  mode,
  onChoose,
  onClose,
}: {
  readonly mode: 'folder' | 'items';
  readonly onChoose: (picked: readonly PickedLocation[]) => void;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const [where, setWhere] = useState<PickedLocation | undefined>();
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    invoke('browser.places', {}).then(
      ({ home }) => setWhere(home),
      (error: unknown) => setListing({ status: 'failed', message: errorMessage(error) }),
    );
  }, []);
  useEffect(() => {
    if (where === undefined) return;
    let current = true;
    invoke('browser.list', {
      ...where,
      offset: 0,
      limit: BROWSER_MAX_WINDOW,
      sort: { by: 'type', direction: 'asc' },
      filter,
    }).then(
      (w) => current && setListing({ status: 'ready', entries: w.entries, more: w.matched > w.entries.length }),
      (error: unknown) => current && setListing({ status: 'failed', message: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [where, filter]);

  const go = (path: string) => {
    if (where === undefined) return;
    setListing({ status: 'loading' });
    setWhere({ connectorId: where.connectorId, path });
    setFilter('');
    setPicked(new Set());
  };
  const toggle = (path: string) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={mode === 'folder' ? t('browser.picker.folderTitle') : t('browser.picker.itemsTitle')}
    >
      <Stack gap="sm">
        {where !== undefined && (
          <Breadcrumbs separator="/" aria-label={t('browser.breadcrumbs')}>
            <CrumbLink onClick={() => go('')}>{t('browser.computer')}</CrumbLink>
            {crumbsOf(where.path).map((c) => (
              <CrumbLink key={c.path} onClick={() => go(c.path)}>
                {c.name}
              </CrumbLink>
            ))}
          </Breadcrumbs>
        )}
        <TextInput
          aria-label={t('browser.filter')}
          placeholder={t('browser.filter')}
          value={filter}
          onChange={(e) => {
            setListing({ status: 'loading' });
            setFilter(e.currentTarget.value);
          }}
        />
        <ScrollArea h={320} type="auto">
          {listing.status === 'loading' && <Loader size="sm" aria-label={t('app.loading')} />}
          {listing.status === 'failed' && <Alert color="red">{listing.message}</Alert>}
          {listing.status === 'ready' && (
            <Stack gap={2} role="list">
              {listing.entries.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t('browser.emptyFolder')}
                </Text>
              )}
              {listing.entries.map((e) => (
                <Group key={e.path} gap="xs" wrap="nowrap" role="listitem">
                  {mode === 'items' && (
                    <Checkbox
                      aria-label={t('browser.picker.pick', { name: e.name })}
                      checked={picked.has(e.path)}
                      onChange={() => toggle(e.path)}
                    />
                  )}
                  {e.type === 'directory' ? <IconFolder size={16} aria-hidden /> : <IconFile size={16} aria-hidden />}
                  {e.type === 'directory' ? (
                    <UnstyledButton onClick={() => go(e.path)}>
                      <Text size="sm">{e.name}</Text>
                    </UnstyledButton>
                  ) : (
                    <Text size="sm">{e.name}</Text>
                  )}
                </Group>
              ))}
              {listing.more && (
                <Text size="xs" c="dimmed">
                  {t('browser.picker.more')}
                </Text>
              )}
            </Stack>
          )}
        </ScrollArea>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('connectors.cancel')}
          </Button>
          {mode === 'folder' ? (
            <Button
              color="blue.8"
              disabled={where === undefined}
              onClick={() => where !== undefined && onChoose([where])}
            >
              {t('browser.picker.chooseFolder')}
            </Button>
          ) : (
            <Button
              color="blue.8"
              disabled={where === undefined || picked.size === 0}
              onClick={() =>
                where !== undefined && onChoose([...picked].map((path) => ({ connectorId: where.connectorId, path })))
              }
            >
              {t('browser.picker.upload', { count: picked.size })}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
