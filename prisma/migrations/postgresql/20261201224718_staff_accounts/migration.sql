-- CreateTable
CREATE TABLE "staff_accounts" (
    "id" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "scope" TEXT NOT NULL DEFAULT '[]',
    "password_hash" TEXT,
    "setup_token_hash" TEXT,
    "setup_expires_at" TIMESTAMP(3),
    "telegram_user_id" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "staff_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_sessions" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "last_seen_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "staff_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_signin_failures" (
    "id" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "staff_signin_failures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_notes" (
    "id" TEXT NOT NULL,
    "case_ref" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "case_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_verifications" (
    "id" TEXT NOT NULL,
    "case_ref" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "note" TEXT,
    "account_id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "case_verifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_assignments" (
    "case_ref" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "assigned_by" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "case_assignments_pkey" PRIMARY KEY ("case_ref")
);

-- CreateTable
CREATE TABLE "compensation_steps" (
    "id" TEXT NOT NULL,
    "complaint_ref" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "details" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "compensation_steps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "complaint_alerts" (
    "complaint_id" TEXT NOT NULL,
    "alerted_at" TIMESTAMP(3) NOT NULL,
    "seen_at" TIMESTAMP(3),

    CONSTRAINT "complaint_alerts_pkey" PRIMARY KEY ("complaint_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "staff_accounts_login_key" ON "staff_accounts"("login");

-- CreateIndex
CREATE UNIQUE INDEX "staff_accounts_setup_token_hash_key" ON "staff_accounts"("setup_token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "staff_accounts_telegram_user_id_key" ON "staff_accounts"("telegram_user_id");

-- CreateIndex
CREATE INDEX "staff_sessions_account_id_idx" ON "staff_sessions"("account_id");

-- CreateIndex
CREATE INDEX "staff_signin_failures_login_address_at_idx" ON "staff_signin_failures"("login", "address", "at");

-- CreateIndex
CREATE INDEX "staff_signin_failures_address_at_idx" ON "staff_signin_failures"("address", "at");

-- CreateIndex
CREATE INDEX "case_notes_case_ref_at_idx" ON "case_notes"("case_ref", "at");

-- CreateIndex
CREATE INDEX "case_verifications_case_ref_at_idx" ON "case_verifications"("case_ref", "at");

-- CreateIndex
CREATE INDEX "compensation_steps_complaint_ref_at_idx" ON "compensation_steps"("complaint_ref", "at");

