-- CreateTable
CREATE TABLE "beneficiaries" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "platform_user_id" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'ar',
    "consent_version" TEXT,
    "consent_at" DATETIME,
    "opted_out" BOOLEAN NOT NULL DEFAULT false,
    "opted_out_at" DATETIME,
    "unreachable" BOOLEAN NOT NULL DEFAULT false,
    "last_inbound_at" DATETIME,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "conversations" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "beneficiary_id" TEXT NOT NULL,
    "flow_id" TEXT NOT NULL,
    "flow_version" INTEGER NOT NULL,
    "snapshot" TEXT NOT NULL,
    "suspended" TEXT,
    "mode" TEXT NOT NULL DEFAULT 'bot',
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "conversations_beneficiary_id_fkey" FOREIGN KEY ("beneficiary_id") REFERENCES "beneficiaries" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "messages" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "beneficiary_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "platform_message_id" TEXT,
    "kind" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,
    CONSTRAINT "messages_beneficiary_id_fkey" FOREIGN KEY ("beneficiary_id") REFERENCES "beneficiaries" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "requests" (
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
    "due_at" DATETIME NOT NULL,
    "sla_alerted_at" DATETIME,
    "sla_escalated_at" DATETIME,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "requests_beneficiary_id_fkey" FOREIGN KEY ("beneficiary_id") REFERENCES "beneficiaries" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "complaints" (
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
    "due_at" DATETIME NOT NULL,
    "sla_alerted_at" DATETIME,
    "sla_escalated_at" DATETIME,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "complaints_beneficiary_id_fkey" FOREIGN KEY ("beneficiary_id") REFERENCES "beneficiaries" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "status_events" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "request_id" TEXT,
    "complaint_id" TEXT,
    "status" TEXT NOT NULL,
    "note" TEXT,
    "actor" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "status_events_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "requests" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "status_events_complaint_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "complaints" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "attestations" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "request_id" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "accepted_at" DATETIME NOT NULL,
    CONSTRAINT "attestations_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "requests" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ratings" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "beneficiary_id" TEXT NOT NULL,
    "request_id" TEXT,
    "complaint_id" TEXT,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "created_at" DATETIME NOT NULL,
    CONSTRAINT "ratings_beneficiary_id_fkey" FOREIGN KEY ("beneficiary_id") REFERENCES "beneficiaries" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ratings_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "requests" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ratings_complaint_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "complaints" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "handoffs" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "beneficiary_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "claimed_by" TEXT,
    "created_at" DATETIME NOT NULL,
    "claimed_at" DATETIME,
    "closed_at" DATETIME,
    "realerted_at" DATETIME,
    "escalated_at" DATETIME,
    CONSTRAINT "handoffs_beneficiary_id_fkey" FOREIGN KEY ("beneficiary_id") REFERENCES "beneficiaries" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" DATETIME NOT NULL,
    "last_error" TEXT,
    "platform_message_id" TEXT,
    "delivery_status" TEXT,
    "created_at" DATETIME NOT NULL,
    "sent_at" DATETIME
);

-- CreateTable
CREATE TABLE "staff_audit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "staff_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "details" TEXT,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "webhook_receipts" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "source" TEXT NOT NULL,
    "received_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "inbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "chat_key" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "prompts" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "beneficiary_id" TEXT NOT NULL,
    "request_id" TEXT,
    "complaint_id" TEXT,
    "status" TEXT NOT NULL,
    "due_at" DATETIME NOT NULL,
    "sent_at" DATETIME,
    "reminded_at" DATETIME,
    "created_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "beneficiaries_channel_platform_user_id_key" ON "beneficiaries"("channel", "platform_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "conversations_beneficiary_id_key" ON "conversations"("beneficiary_id");

-- CreateIndex
CREATE INDEX "messages_beneficiary_id_created_at_idx" ON "messages"("beneficiary_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "messages_channel_platform_message_id_key" ON "messages"("channel", "platform_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "requests_ref_key" ON "requests"("ref");

-- CreateIndex
CREATE INDEX "requests_beneficiary_id_type_id_status_idx" ON "requests"("beneficiary_id", "type_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "complaints_ref_key" ON "complaints"("ref");

-- CreateIndex
CREATE INDEX "complaints_beneficiary_id_status_idx" ON "complaints"("beneficiary_id", "status");

-- CreateIndex
CREATE INDEX "status_events_request_id_idx" ON "status_events"("request_id");

-- CreateIndex
CREATE INDEX "status_events_complaint_id_idx" ON "status_events"("complaint_id");

-- CreateIndex
CREATE UNIQUE INDEX "ratings_request_id_key" ON "ratings"("request_id");

-- CreateIndex
CREATE UNIQUE INDEX "ratings_complaint_id_key" ON "ratings"("complaint_id");

-- CreateIndex
CREATE INDEX "handoffs_status_idx" ON "handoffs"("status");

-- CreateIndex
CREATE INDEX "outbox_status_id_idx" ON "outbox"("status", "id");

-- CreateIndex
CREATE INDEX "outbox_channel_recipient_id_idx" ON "outbox"("channel", "recipient", "id");

-- CreateIndex
CREATE INDEX "outbox_platform_message_id_idx" ON "outbox"("platform_message_id");

-- CreateIndex
CREATE INDEX "staff_audit_subject_type_subject_id_idx" ON "staff_audit"("subject_type", "subject_id");

-- CreateIndex
CREATE INDEX "inbox_status_id_idx" ON "inbox"("status", "id");

-- CreateIndex
CREATE UNIQUE INDEX "inbox_channel_external_id_key" ON "inbox"("channel", "external_id");

-- CreateIndex
CREATE INDEX "prompts_status_due_at_idx" ON "prompts"("status", "due_at");

-- CreateIndex
CREATE UNIQUE INDEX "prompts_kind_request_id_key" ON "prompts"("kind", "request_id");

-- CreateIndex
CREATE UNIQUE INDEX "prompts_kind_complaint_id_key" ON "prompts"("kind", "complaint_id");

