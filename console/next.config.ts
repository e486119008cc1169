import type { NextConfig } from 'next';

const config: NextConfig = {
  // The console is served by `next start` beside the gateway; nothing is fetched from outside the machine.
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  // elkjs is a large GWT build that runs as is in Node; bundling it gains nothing.
  serverExternalPackages: ['elkjs'],
};

export default config;
