// Constants vite.config.ts writes into the built worker (`define`).

/** sha256 (hex) of prebuilt/manifest.json as `npm run build` found it; null under `npm start`, whose artifacts may be rebuilt while it runs. */
declare const __BOOTLAB_MANIFEST_SHA256__: string | null;
