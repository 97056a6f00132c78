CREATE TABLE `reference_revision` (
	`id` integer PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	CONSTRAINT "reference_revision_single_row" CHECK("reference_revision"."id" = 1)
);
--> statement-breakpoint
DROP TABLE `inhouse_revision`;
--> statement-breakpoint
INSERT INTO `reference_revision` (`id`, `token`) VALUES (1, hex(randomblob(16)));
--> statement-breakpoint
CREATE TRIGGER `organizations_insert_reference_revision` AFTER INSERT ON `organizations` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `organizations_update_reference_revision` AFTER UPDATE ON `organizations` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `organizations_delete_reference_revision` AFTER DELETE ON `organizations` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `addresses_insert_reference_revision` AFTER INSERT ON `addresses` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `addresses_update_reference_revision` AFTER UPDATE ON `addresses` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `addresses_delete_reference_revision` AFTER DELETE ON `addresses` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `accounts_insert_reference_revision` AFTER INSERT ON `accounts` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `accounts_update_reference_revision` AFTER UPDATE ON `accounts` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `accounts_delete_reference_revision` AFTER DELETE ON `accounts` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `roles_insert_reference_revision` AFTER INSERT ON `roles` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `roles_update_reference_revision` AFTER UPDATE ON `roles` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `roles_delete_reference_revision` AFTER DELETE ON `roles` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `offerings_insert_reference_revision` AFTER INSERT ON `offerings` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `offerings_update_reference_revision` AFTER UPDATE ON `offerings` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `offerings_delete_reference_revision` AFTER DELETE ON `offerings` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `offering_versions_insert_reference_revision` AFTER INSERT ON `offering_versions` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `offering_versions_update_reference_revision` AFTER UPDATE ON `offering_versions` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `offering_versions_delete_reference_revision` AFTER DELETE ON `offering_versions` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `inhouse_declarations_insert_reference_revision` AFTER INSERT ON `inhouse_declarations` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `inhouse_declarations_update_reference_revision` AFTER UPDATE ON `inhouse_declarations` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `inhouse_declarations_delete_reference_revision` AFTER DELETE ON `inhouse_declarations` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `terms_versions_insert_reference_revision` AFTER INSERT ON `terms_versions` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `terms_versions_update_reference_revision` AFTER UPDATE ON `terms_versions` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `terms_versions_delete_reference_revision` AFTER DELETE ON `terms_versions` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `threshold_table_insert_reference_revision` AFTER INSERT ON `threshold_table` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `threshold_table_update_reference_revision` AFTER UPDATE ON `threshold_table` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `threshold_table_delete_reference_revision` AFTER DELETE ON `threshold_table` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `thresholds_insert_reference_revision` AFTER INSERT ON `thresholds` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `thresholds_update_reference_revision` AFTER UPDATE ON `thresholds` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `thresholds_delete_reference_revision` AFTER DELETE ON `thresholds` BEGIN UPDATE `reference_revision` SET `token` = hex(randomblob(16)) WHERE `id` = 1; END;
