/**
 * One conformance suite for every store, run against each engine (SQLite and PostgreSQL): the
 * same statements must give the same outcomes, including under concurrency — a serial consumed
 * by many transactions at once goes to exactly one, a request id is claimed once, a balance is
 * never overdrawn. `runConformance` registers the vitest cases for one engine; the cases live
 * in conformance-{cs,blind,race,bank,insurer}.ts.
 */
import { describe } from 'vitest';
import { bankStoreCases } from './conformance-bank.ts';
import { blindRsaCases } from './conformance-blind.ts';
import { csStoreCases } from './conformance-cs.ts';
import { insurerStoreCases } from './conformance-insurer.ts';
import { concurrencyCases } from './conformance-race.ts';
import type { FreshDb } from './conformance-rows.ts';

export type { FreshDb } from './conformance-rows.ts';

export function runConformance(engine: string, fresh: FreshDb): void {
  describe(`${engine}: currency server store`, () => {
    csStoreCases(fresh);
    blindRsaCases(fresh);
    concurrencyCases(fresh);
  });
  describe(`${engine}: bank store`, () => bankStoreCases(fresh));
  describe(`${engine}: insurer store`, () => insurerStoreCases(fresh));
}
