CREATE TABLE "source_change_cursors" (
	"offer_id" text PRIMARY KEY NOT NULL,
	"cursor" text NOT NULL,
	"scope" text NOT NULL,
	"saved_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "source_change_cursors" ADD CONSTRAINT "source_change_cursors_offer_id_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."offers"("id") ON DELETE cascade ON UPDATE no action;