CREATE TABLE "acquisitions" (
	"id" text PRIMARY KEY NOT NULL,
	"offer_id" text NOT NULL,
	"provider_org_id" text NOT NULL,
	"buyer_org_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"acquired_by_type" text NOT NULL,
	"acquired_by_id" text NOT NULL,
	"history_after_seq" bigint NOT NULL,
	"until_seq" bigint,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"acquisition_id" text NOT NULL,
	"target_id" text NOT NULL,
	"file_id" text NOT NULL,
	"org_id" text NOT NULL,
	"status" text NOT NULL,
	"path" text,
	"conflict" boolean DEFAULT false NOT NULL,
	"receipt_path" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "delivery_targets" (
	"id" text PRIMARY KEY NOT NULL,
	"acquisition_id" text NOT NULL,
	"org_id" text NOT NULL,
	"type" text NOT NULL,
	"connector_id" text,
	"folder" text DEFAULT '' NOT NULL,
	"naming_pattern" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"paused_reason" text,
	"paused_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"cursor_seq" bigint DEFAULT 0 NOT NULL,
	"creator_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offer_files" (
	"id" text PRIMARY KEY NOT NULL,
	"offer_id" text NOT NULL,
	"org_id" text NOT NULL,
	"path" text NOT NULL,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"origin" text NOT NULL,
	"origin_ref" text,
	"status" text NOT NULL,
	"seq" bigint,
	"added_at" timestamp with time zone NOT NULL,
	"available_at" timestamp with time zone,
	"removed_at" timestamp with time zone,
	CONSTRAINT "offer_files_status_check" CHECK ("offer_files"."status" in ('pending', 'available', 'removed'))
);
--> statement-breakpoint
CREATE TABLE "offer_imports" (
	"id" text PRIMARY KEY NOT NULL,
	"offer_id" text NOT NULL,
	"org_id" text NOT NULL,
	"kind" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"request" jsonb,
	"added" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"skipped" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"max_file_size" bigint NOT NULL,
	"source_type" text DEFAULT 'none' NOT NULL,
	"source_connector_id" text,
	"source_folder" text,
	"scan_interval_minutes" integer DEFAULT 60 NOT NULL,
	"staging" boolean DEFAULT false NOT NULL,
	"history_policy" text DEFAULT 'all' NOT NULL,
	"history_count" integer,
	"delivery_frequency" text DEFAULT 'as-added' NOT NULL,
	"first_delivery_at" timestamp with time zone,
	"file_seq" bigint DEFAULT 0 NOT NULL,
	"last_scan_at" timestamp with time zone,
	"next_scan_at" timestamp with time zone,
	"creator_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone,
	"archived_at" timestamp with time zone,
	CONSTRAINT "offers_kind_check" CHECK ("offers"."kind" in ('one-shot', 'subscription')),
	CONSTRAINT "offers_status_check" CHECK ("offers"."status" in ('draft', 'published', 'archived'))
);
--> statement-breakpoint
CREATE TABLE "source_observations" (
	"offer_id" text NOT NULL,
	"path" text NOT NULL,
	"size" bigint NOT NULL,
	"mtime_ms" bigint,
	"etag" text,
	"stable_looks" integer DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"file_id" text,
	CONSTRAINT "source_observations_offer_id_path_pk" PRIMARY KEY("offer_id","path")
);
--> statement-breakpoint
ALTER TABLE "acquisitions" ADD CONSTRAINT "acquisitions_offer_id_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."offers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "acquisitions" ADD CONSTRAINT "acquisitions_buyer_org_id_organisations_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_acquisition_id_acquisitions_id_fk" FOREIGN KEY ("acquisition_id") REFERENCES "public"."acquisitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_target_id_delivery_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."delivery_targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_file_id_offer_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."offer_files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_targets" ADD CONSTRAINT "delivery_targets_acquisition_id_acquisitions_id_fk" FOREIGN KEY ("acquisition_id") REFERENCES "public"."acquisitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_files" ADD CONSTRAINT "offer_files_offer_id_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."offers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offer_imports" ADD CONSTRAINT "offer_imports_offer_id_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."offers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_observations" ADD CONSTRAINT "source_observations_offer_id_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."offers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "acquisitions_buyer_idx" ON "acquisitions" USING btree ("buyer_org_id");--> statement-breakpoint
CREATE INDEX "acquisitions_offer_idx" ON "acquisitions" USING btree ("offer_id");--> statement-breakpoint
CREATE INDEX "acquisitions_provider_idx" ON "acquisitions" USING btree ("provider_org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_unique_idx" ON "deliveries" USING btree ("acquisition_id","file_id","target_id");--> statement-breakpoint
CREATE INDEX "deliveries_target_idx" ON "deliveries" USING btree ("target_id","status");--> statement-breakpoint
CREATE INDEX "delivery_targets_acquisition_idx" ON "delivery_targets" USING btree ("acquisition_id");--> statement-breakpoint
CREATE INDEX "delivery_targets_connector_idx" ON "delivery_targets" USING btree ("connector_id");--> statement-breakpoint
CREATE UNIQUE INDEX "offer_files_offer_seq_idx" ON "offer_files" USING btree ("offer_id","seq");--> statement-breakpoint
CREATE INDEX "offer_files_offer_path_idx" ON "offer_files" USING btree ("offer_id","path");--> statement-breakpoint
CREATE INDEX "offer_files_offer_sha_idx" ON "offer_files" USING btree ("offer_id","sha256");--> statement-breakpoint
CREATE INDEX "offer_imports_offer_idx" ON "offer_imports" USING btree ("offer_id","created_at");--> statement-breakpoint
CREATE INDEX "offers_org_idx" ON "offers" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "offers_status_idx" ON "offers" USING btree ("status");--> statement-breakpoint
CREATE INDEX "offers_source_connector_idx" ON "offers" USING btree ("source_connector_id");