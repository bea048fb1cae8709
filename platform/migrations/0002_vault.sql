CREATE TABLE "vault_secrets" (
	"org_id" text NOT NULL,
	"connector_id" text NOT NULL,
	"option" text NOT NULL,
	"kek_id" text NOT NULL,
	"wrapped_key" text NOT NULL,
	"ciphertext" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "vault_secrets_org_id_connector_id_option_pk" PRIMARY KEY("org_id","connector_id","option")
);
--> statement-breakpoint
ALTER TABLE "vault_secrets" ADD CONSTRAINT "vault_secrets_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "vault_secrets_kek_idx" ON "vault_secrets" USING btree ("kek_id");