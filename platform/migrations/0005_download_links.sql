CREATE TABLE "download_links" (
	"id" text PRIMARY KEY NOT NULL,
	"acquisition_id" text NOT NULL,
	"file_id" text NOT NULL,
	"org_id" text NOT NULL,
	"kek_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "download_links" ADD CONSTRAINT "download_links_acquisition_id_acquisitions_id_fk" FOREIGN KEY ("acquisition_id") REFERENCES "public"."acquisitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "download_links_kek_idx" ON "download_links" USING btree ("kek_id","expires_at");--> statement-breakpoint
CREATE INDEX "download_links_org_idx" ON "download_links" USING btree ("org_id");