// The platform API contract shared by the server (platform/) and the desktop's client.
export * from './error-codes';
export * from './roles';
export * from './paging';
export * from './auth-api';
export * from './organisations-api';
export * from './owned-resources';
export * from './members-api';
export * from './invitations-api';
export * from './api-keys-api';
export * from './audit-api';
export * from './notifications-api';
export * from './connectors-api';
export * from './password-reset-api';
export * from './api-route';
export * from './routes';
