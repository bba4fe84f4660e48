-- AlterTable
ALTER TABLE "requests" ADD COLUMN     "completed_at" TIMESTAMP(3),
ADD COLUMN     "deadline_days" INTEGER,
ADD COLUMN     "deadline_from" TEXT,
ADD COLUMN     "deadline_kind" TEXT NOT NULL DEFAULT 'none',
ADD COLUMN     "deadline_unit" TEXT,
ADD COLUMN     "policy_version" TEXT,
ADD COLUMN     "reminded_at" TIMESTAMP(3),
ALTER COLUMN "due_at" DROP NOT NULL;

-- AlterTable
ALTER TABLE "complaints" ADD COLUMN     "completed_at" TIMESTAMP(3),
ADD COLUMN     "deadline_days" INTEGER,
ADD COLUMN     "deadline_from" TEXT,
ADD COLUMN     "deadline_kind" TEXT NOT NULL DEFAULT 'none',
ADD COLUMN     "deadline_unit" TEXT,
ADD COLUMN     "policy_version" TEXT,
ADD COLUMN     "reminded_at" TIMESTAMP(3),
ALTER COLUMN "due_at" DROP NOT NULL;

