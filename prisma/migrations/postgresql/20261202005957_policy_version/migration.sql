-- AlterTable
ALTER TABLE "requests" ADD COLUMN     "policy_version" TEXT;

-- AlterTable
ALTER TABLE "complaints" ADD COLUMN     "policy_version" TEXT;
