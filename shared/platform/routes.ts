// The platform API's one route table: the server registers each route from it, the desktop's client calls it.
import { AUTH_ROUTES, SETUP_ROUTES } from './auth-api';
import { PASSWORD_RESET_ROUTES } from './password-reset-api';
import { ORGANISATION_ROUTES } from './organisations-api';
import { MEMBER_ROUTES } from './members-api';
import { INVITATION_ROUTES } from './invitations-api';
import { API_KEY_ROUTES } from './api-keys-api';
import { AUDIT_ROUTES } from './audit-api';
import { NOTIFICATION_ROUTES } from './notifications-api';
import { CONNECTOR_ROUTES } from './connectors-api';
import { IMPORT_ROUTES } from './imports-api';
import { OFFER_ROUTES } from './offers-api';
import { CATALOG_ROUTES } from './catalog-api';
import { ACQUISITION_ROUTES } from './acquisitions-api';
import { DELIVERY_ROUTES } from './deliveries-api';

/** Every route of the platform API, by domain (each domain's routes sit beside its schemas). */
export const API = {
  setup: SETUP_ROUTES,
  auth: AUTH_ROUTES,
  passwordReset: PASSWORD_RESET_ROUTES,
  organisations: ORGANISATION_ROUTES,
  members: MEMBER_ROUTES,
  invitations: INVITATION_ROUTES,
  apiKeys: API_KEY_ROUTES,
  audit: AUDIT_ROUTES,
  notifications: NOTIFICATION_ROUTES,
  connectors: CONNECTOR_ROUTES,
  imports: IMPORT_ROUTES,
  offers: OFFER_ROUTES,
  catalog: CATALOG_ROUTES,
  acquisitions: ACQUISITION_ROUTES,
  deliveries: DELIVERY_ROUTES,
} as const;
