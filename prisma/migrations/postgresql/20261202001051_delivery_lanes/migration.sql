-- AlterTable
ALTER TABLE "inbox" ADD COLUMN     "next_attempt_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "leases" (
    "key" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "leases_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "inbox_chat_key_id_idx" ON "inbox"("chat_key", "id");

