/**
 * The federation's CORS policy (insurer, bank, currency servers): public endpoints are called from
 * the wallet's extension origin and from pages with JSON bodies and, for signed requests, an
 * `Authorization` header. Admin routes are not marked public and answer no preflight headers.
 */
import type { CorsPolicy } from '@netcash/server-kit';

export const FEDERATION_CORS: CorsPolicy = {
  methods: ['GET', 'POST'],
  headers: ['content-type', 'authorization'],
};
