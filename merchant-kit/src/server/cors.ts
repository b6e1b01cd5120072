/**
 * The payee endpoints' CORS policy (PROTOCOL §5): the wallet posts 1a/1c from its extension origin
 * without host permissions, so the pay URL answers preflights; pages read the 402's
 * `WWW-Authenticate` challenge, so that header is exposed.
 */
import { type CorsPolicy, corsHeaders } from '@netcash/server-kit';

export const PAYEE_CORS: CorsPolicy = {
  methods: ['GET', 'POST'],
  headers: ['content-type', 'authorization'],
  expose: ['www-authenticate', 'payment-receipt'],
};

export const PAYEE_CORS_HEADERS = corsHeaders(PAYEE_CORS);
