// Placeholder until the metadata store lands: generates Prisma clients when schemas exist.
import { existsSync } from 'node:fs';
if (!existsSync('prisma/schema.prisma')) process.exit(0);
