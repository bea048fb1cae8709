// drizzle-kit configuration: `npx drizzle-kit generate --config platform/drizzle.config.ts` writes platform/migrations.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './platform/db/schema.ts',
  out: './platform/migrations',
});
