CREATE TABLE `contract_folders` (
	`order_id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`documents` text NOT NULL,
	`master_data` text NOT NULL,
	`product` text NOT NULL,
	`price` text NOT NULL,
	`configuration` text NOT NULL,
	`terms` text NOT NULL,
	`maturity` text NOT NULL,
	`service_conditions` text NOT NULL,
	`eligibility` text NOT NULL,
	`summary_media_type` text NOT NULL,
	`summary` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `dev_mails` (
	`id` text PRIMARY KEY NOT NULL,
	`recipient` text NOT NULL,
	`recipient_key` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text NOT NULL,
	`links` text NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dev_mails_sent_idx` ON `dev_mails` (`sent_at`);--> statement-breakpoint
CREATE INDEX `dev_mails_recipient_idx` ON `dev_mails` (`recipient_key`,`sent_at`);--> statement-breakpoint
CREATE TABLE `inhouse_declarations` (
	`id` text PRIMARY KEY NOT NULL,
	`controller` text NOT NULL,
	`controlled` text NOT NULL,
	`joint` integer NOT NULL,
	`evidence` text NOT NULL,
	`valid_from` integer NOT NULL,
	`valid_until` integer,
	`declared_by_organization_id` text NOT NULL,
	`declared_by_account_id` text NOT NULL,
	`declared_at` integer NOT NULL,
	`ended_at` integer,
	`ended_by_account_id` text
);
--> statement-breakpoint
CREATE INDEX `inhouse_declarations_declarant_idx` ON `inhouse_declarations` (`declared_by_organization_id`,`declared_at`,`id`);--> statement-breakpoint
CREATE TABLE `inhouse_revision` (
	`id` integer PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	CONSTRAINT "inhouse_revision_single_row" CHECK("inhouse_revision"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `offering_versions` (
	`offering_id` text NOT NULL,
	`version` integer NOT NULL,
	`provider_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`portfolio_category` text NOT NULL,
	`service_type` text NOT NULL,
	`price_plans` text NOT NULL,
	`properties` text NOT NULL,
	`provisioning_time` text NOT NULL,
	`maturity` text NOT NULL,
	`conditions` text NOT NULL,
	`supported_contract_models` text NOT NULL,
	`customer_circles` text NOT NULL,
	`intermediary_id` text,
	`efa` integer NOT NULL,
	`active` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`offering_id`, `version`),
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `offerings` (
	`id` text PRIMARY KEY NOT NULL,
	`latest_version` integer NOT NULL,
	`provider_id` text NOT NULL,
	`service_type` text NOT NULL,
	`portfolio_category` text NOT NULL,
	`efa` integer NOT NULL,
	`active` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `offerings_provider_idx` ON `offerings` (`provider_id`,`id`);--> statement-breakpoint
CREATE INDEX `offerings_service_type_idx` ON `offerings` (`service_type`,`id`);--> statement-breakpoint
CREATE INDEX `offerings_category_idx` ON `offerings` (`portfolio_category`,`id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`contract_model` text NOT NULL,
	`total_cents` integer NOT NULL,
	`deadline` integer NOT NULL,
	`placed_at` integer NOT NULL,
	`ordered_by_account_id` text NOT NULL,
	`ordered_by_name` text NOT NULL,
	`customer_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`intermediary_id` text,
	`offering_id` text NOT NULL,
	`offering_version` integer NOT NULL,
	`offering_name` text NOT NULL,
	`price_plan` text NOT NULL,
	`quantity` integer NOT NULL,
	`configuration` text NOT NULL,
	`eligibility` text NOT NULL,
	`below_threshold` integer NOT NULL,
	`counted_value_cents` integer NOT NULL,
	`history` text NOT NULL,
	`reminder_sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `orders_customer_idx` ON `orders` (`customer_id`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_customer_status_idx` ON `orders` (`customer_id`,`status`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_orderer_idx` ON `orders` (`customer_id`,`ordered_by_account_id`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_provider_idx` ON `orders` (`provider_id`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_provider_status_idx` ON `orders` (`provider_id`,`status`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_intermediary_idx` ON `orders` (`intermediary_id`,`placed_at`,`id`) WHERE "orders"."intermediary_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `orders_intermediary_status_idx` ON `orders` (`intermediary_id`,`status`,`placed_at`,`id`) WHERE "orders"."intermediary_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `orders_awaiting_deadline_idx` ON `orders` (`deadline`,`id`) WHERE "orders"."status" IN ('open', 'inReviewByProviderDV', 'inReviewByIntermediaryUV', 'confirmedByIntermediaryUV', 'inReviewByProviderUV');--> statement-breakpoint
CREATE INDEX `orders_threshold_sum_idx` ON `orders` (`customer_id`,`offering_id`,`placed_at`,`status`,`counted_value_cents`) WHERE "orders"."below_threshold" = 1;--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`window_started_at` integer NOT NULL,
	`hits` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limits_expires_idx` ON `rate_limits` (`expires_at`);--> statement-breakpoint
CREATE TABLE `registrations` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`organization_name` text NOT NULL,
	`normalized_organization_name` text NOT NULL,
	`legal_form` text NOT NULL,
	`administrative_level` text NOT NULL,
	`federal_state` text,
	`street` text NOT NULL,
	`postal_code` text NOT NULL,
	`city` text NOT NULL,
	`phone` text NOT NULL,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`accepted_terms_id` text NOT NULL,
	`submitted_at` integer NOT NULL,
	`confirmation_deadline` integer NOT NULL,
	`confirmed_at` integer,
	`decided_at` integer,
	`decided_by` text,
	`rejection_reason` text,
	`organization_id` text,
	`account_id` text,
	`expired_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_open_organization_name_unique` ON `registrations` (`normalized_organization_name`) WHERE "registrations"."status" IN ('awaitingEmailConfirmation', 'awaitingOperatorReview');--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_open_email_unique` ON `registrations` (`email`) WHERE "registrations"."status" IN ('awaitingEmailConfirmation', 'awaitingOperatorReview');--> statement-breakpoint
CREATE INDEX `registrations_status_submitted_idx` ON `registrations` (`status`,`submitted_at`,`id`);--> statement-breakpoint
CREATE INDEX `registrations_status_deadline_idx` ON `registrations` (`status`,`confirmation_deadline`,`id`);--> statement-breakpoint
CREATE TABLE `threshold_table` (
	`id` integer PRIMARY KEY NOT NULL,
	`replacements` integer NOT NULL,
	CONSTRAINT "threshold_table_single_row" CHECK("threshold_table"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `thresholds` (
	`position` integer PRIMARY KEY NOT NULL,
	`jurisdiction` text NOT NULL,
	`federal_state` text,
	`administrative_level` text,
	`net_amount_cents` integer NOT NULL,
	`valid_from` integer NOT NULL,
	`valid_until` integer,
	`source` text NOT NULL
);
