-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_requests" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ref" TEXT NOT NULL,
    "beneficiary_id" TEXT NOT NULL,
    "type_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "committee" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "eligibility" TEXT,
    "decision_note" TEXT,
    "due_at" DATETIME,
    "sla_alerted_at" DATETIME,
    "sla_escalated_at" DATETIME,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "completed_at" DATETIME,
    "deadline_days" INTEGER,
    "deadline_from" TEXT,
    "deadline_kind" TEXT NOT NULL DEFAULT 'none',
    "deadline_unit" TEXT,
    "reminded_at" DATETIME,
    "policy_version" TEXT,
    CONSTRAINT "requests_beneficiary_id_fkey" FOREIGN KEY ("beneficiary_id") REFERENCES "beneficiaries" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_requests" ("beneficiary_id", "channel", "committee", "created_at", "data", "decision_note", "due_at", "eligibility", "id", "ref", "sla_alerted_at", "sla_escalated_at", "status", "type_id", "updated_at") SELECT "beneficiary_id", "channel", "committee", "created_at", "data", "decision_note", "due_at", "eligibility", "id", "ref", "sla_alerted_at", "sla_escalated_at", "status", "type_id", "updated_at" FROM "requests";
DROP TABLE "requests";
ALTER TABLE "new_requests" RENAME TO "requests";
CREATE UNIQUE INDEX "requests_ref_key" ON "requests"("ref");
CREATE INDEX "requests_beneficiary_id_type_id_status_idx" ON "requests"("beneficiary_id", "type_id", "status");
CREATE TABLE "new_complaints" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ref" TEXT NOT NULL,
    "beneficiary_id" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "committee" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "decision_note" TEXT,
    "due_at" DATETIME,
    "sla_alerted_at" DATETIME,
    "sla_escalated_at" DATETIME,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "completed_at" DATETIME,
    "deadline_days" INTEGER,
    "deadline_from" TEXT,
    "deadline_kind" TEXT NOT NULL DEFAULT 'none',
    "deadline_unit" TEXT,
    "reminded_at" DATETIME,
    "policy_version" TEXT,
    CONSTRAINT "complaints_beneficiary_id_fkey" FOREIGN KEY ("beneficiary_id") REFERENCES "beneficiaries" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_complaints" ("beneficiary_id", "category", "channel", "committee", "created_at", "data", "decision_note", "description", "due_at", "id", "ref", "sla_alerted_at", "sla_escalated_at", "status", "updated_at") SELECT "beneficiary_id", "category", "channel", "committee", "created_at", "data", "decision_note", "description", "due_at", "id", "ref", "sla_alerted_at", "sla_escalated_at", "status", "updated_at" FROM "complaints";
DROP TABLE "complaints";
ALTER TABLE "new_complaints" RENAME TO "complaints";
CREATE UNIQUE INDEX "complaints_ref_key" ON "complaints"("ref");
CREATE INDEX "complaints_beneficiary_id_status_idx" ON "complaints"("beneficiary_id", "status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

