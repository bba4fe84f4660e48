-- AlterTable
ALTER TABLE "inbox" ADD COLUMN "next_attempt_at" DATETIME;

-- CreateTable
CREATE TABLE "leases" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expires_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "inbox_chat_key_id_idx" ON "inbox"("chat_key", "id");

