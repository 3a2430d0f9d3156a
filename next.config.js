// @ts-check
/**
 * Next.js configuration (ESM: package.json has "type": "module").
 *
 * Bundler: webpack (`next build --webpack`, `next dev --webpack`; scripts/build-if-stale.ts and
 * the package.json scripts pass the flag). Broker and server code import each other ESM-style,
 * `import x from './y.js'` for `y.ts`, which Node (tsx) and tsc accept; webpack resolves it with
 * `resolve.extensionAlias`. Turbopack in Next.js 16.4 has no equivalent yet (vercel/next.js#82945),
 * so it cannot build this tree. Switch back when `turbopack.resolveExtensionAlias` ships.
 */

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  experimental: {
    // `forbidden()` from next/navigation: admin pages answer a real HTTP 403 (app/admin/forbidden.tsx).
    authInterrupts: true,
  },
  // Native addons and the Prisma runtime are loaded by Node at run time rather than bundled:
  // bundlers cannot inline .node binaries, and Prisma's driver adapters require their drivers.
  serverExternalPackages: [
    'better-sqlite3',
    'pg',
    '@node-rs/crc32',
    'snappy',
    'lz4-napi',
    'zstd-napi',
    '@prisma/client',
    '@prisma/adapter-better-sqlite3',
    '@prisma/adapter-pg',
  ],
  typescript: {
    // `npm start` builds on first run; type errors are caught by `npm run typecheck` (tsc) in CI
    // rather than re-checked on every start, which would double the build time on a small machine.
    ignoreBuildErrors: true,
  },
  webpack: (config, { isServer }) => {
    config.resolve.extensionAlias = {
      ...config.resolve.extensionAlias,
      '.js': ['.ts', '.tsx', '.js'],
      '.mjs': ['.mts', '.mjs'],
    };
    if (isServer) {
      // Server code calls `createRequire(...)` to use Node's own module lookup at run time (e.g.
      // to find the Prisma CLI); webpack would otherwise rewrite those calls into bundle lookups.
      config.module.parser = {
        ...config.module.parser,
        javascript: { ...config.module.parser?.javascript, createRequire: false },
      };
    }
    return config;
  },
};

export default nextConfig;
