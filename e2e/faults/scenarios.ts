/**
 * The fault table (issue 10; TESTING.md "What people do during faults"): one row per scenario —
 * the operation, the party faulted, the step at which it is faulted, what the person does, and
 * what must be true at the end. Adding a scenario is adding a row.
 *
 *   fault    freeze      SIGSTOP, and SIGCONT at `resume`
 *            kill        SIGKILL, and a restart on the same data and port at `resume`
 *            drop reply  the party acts, its reply is lost (fault proxy), until `resume`
 *   step     before the click | window open (the approval window is up) | 40 ms after the click
 *   user     click (ask for it; again when it is asked for already), approve, close window,
 *            reload, close tab (the article's), second tab, restart browser (close and relaunch
 *            on the same profile), retry now, sees pending (the UI says pending, never "try
 *            again"), resume (the faulted party is back), wait 50 ms, window closes (by itself)
 *   expected paid once | not paid | paid at most once (the page agrees) | bought once |
 *            refreshed | cashed out once
 *
 * Every scenario also checks: exactly the receipts expected per article, bank debits equal the
 * buys the person asked for, wallet value + spent = bought, no operation left pending, what the
 * page shows, and `netcash audit` (faults.spec.ts).
 */
import type { OperationName } from './operations.ts';
import type { PartyName } from './world.ts';

export type Fault = 'freeze' | 'kill' | 'drop reply' | 'none';
export type Step = 'before the click' | 'window open' | '40 ms after the click' | '—';
export type Action =
  | 'click'
  | 'approve'
  | 'close window'
  | 'window closes'
  | 'reload'
  | 'close tab'
  | 'second tab'
  | 'restart browser'
  | 'retry now'
  | 'sees pending'
  | 'resume'
  | 'wait 50 ms';
export type Expected =
  | 'paid once'
  | 'not paid'
  | 'paid at most once'
  | 'bought once'
  | 'refreshed'
  | 'cashed out once';

export interface Scenario {
  readonly name: string;
  readonly operation: OperationName;
  readonly party: PartyName | 'federation' | 'none';
  readonly step: Step;
  readonly fault: Fault;
  readonly user: readonly Action[];
  readonly expected: Expected;
}

const row = (
  name: string,
  operation: OperationName,
  party: Scenario['party'],
  step: Step,
  fault: Fault,
  user: readonly Action[],
  expected: Expected,
): Scenario => ({ name, operation, party, step, fault, user, expected });

// biome-ignore format: one row per scenario, aligned as a table
export const SCENARIOS: readonly Scenario[] = [
  // name                                            operation               party        step                     fault         user                                                                                   expected
  row('buy while down, clicked twice',               'buy',                  'federation', 'before the click',      'freeze',     ['click', 'sees pending', 'click', 'sees pending', 'resume'],                          'bought once'),
  row('buy, cs1 killed, finished by the alarm',      'buy',                  'cs1',        'before the click',      'kill',       ['click', 'sees pending', 'resume'],                                                   'bought once'),
  row('buy, reply lost, clicked again',              'buy',                  'cs1',        'before the click',      'drop reply', ['click', 'sees pending', 'resume', 'click'],                                          'bought once'),
  row('buy, cs1 frozen, browser restarted',          'buy',                  'cs1',        'before the click',      'freeze',     ['click', 'sees pending', 'restart browser', 'resume'],                               'bought once'),
  row('approval, publisher frozen, Pay again',       'pay with approval',    'publisher',  'window open',           'freeze',     ['click', 'approve', 'sees pending', 'click', 'resume'],                               'paid once'),
  row("approval, merchant's CS frozen, reload",      'pay with approval',    'cs2',        'before the click',      'freeze',     ['click', 'approve', 'sees pending', 'reload', 'sees pending', 'resume'],              'paid once'),
  row('approval, receipt lost on the wire',          'pay with approval',    'publisher',  'before the click',      'drop reply', ['click', 'approve', 'sees pending', 'resume'],                                        'paid once'),
  row('approval window outlives a reload',           'pay with approval',    'none',       '—',                     'none',       ['click', 'reload', 'window closes', 'click', 'approve'],                              'paid once'),
  row('approval window closed',                      'pay with approval',    'none',       '—',                     'none',       ['click', 'close window'],                                                             'not paid'),
  row('article closed while the window asks',        'pay with approval',    'none',       '—',                     'none',       ['click', 'close tab', 'window closes'],                                               'not paid'),
  row('approval, publisher killed while asking',     'pay with approval',    'publisher',  'window open',           'kill',       ['click', 'approve', 'sees pending', 'resume'],                                        'paid once'),
  row("approval, merchant's CS frozen, second tab",  'pay with approval',    'cs2',        'before the click',      'freeze',     ['click', 'approve', 'sees pending', 'second tab', 'sees pending', 'resume'],          'paid once'),
  row('approval, issuing CS frozen, browser restart','pay with approval',    'cs1',        'before the click',      'freeze',     ['click', 'approve', 'sees pending', 'restart browser', 'resume'],                     'paid once'),
  row('frozen federation + retry',                   'pay within allowance', 'federation', 'before the click',      'freeze',     ['click', 'sees pending', 'click', 'sees pending', 'resume', 'restart browser'],       'paid once'),
  row('federation killed 40 ms after Pay, retried',  'pay within allowance', 'federation', '40 ms after the click', 'kill',       ['click', 'sees pending', 'click', 'resume'],                                          'paid once'),
  row('reload 50 ms after Pay',                      'pay within allowance', 'none',       '—',                     'none',       ['click', 'wait 50 ms', 'reload'],                                                     'paid at most once'),
  row('allowance, receipt lost, Pay again',          'pay within allowance', 'publisher',  'before the click',      'drop reply', ['click', 'sees pending', 'click', 'resume'],                                          'paid once'),
  row('allowance, bank frozen under the convert',    'pay within allowance', 'bank',       'before the click',      'freeze',     ['click', 'sees pending', 'resume'],                                                   'paid once'),
  row('allowance, retry now after the publisher is back', 'pay within allowance', 'publisher', 'before the click',  'kill',       ['click', 'sees pending', 'resume', 'retry now'],                                      'paid once'),
  row('refresh, reply lost, asked again',            'refresh',              'cs1',        'before the click',      'drop reply', ['click', 'sees pending', 'click', 'resume'],                                          'refreshed'),
  row('refresh, cs1 killed, browser restarted',      'refresh',              'cs1',        'before the click',      'kill',       ['click', 'sees pending', 'restart browser', 'resume'],                               'refreshed'),
  row('wallet cash-out, reply lost, clicked again',  'wallet cash-out',      'cs1',        'before the click',      'drop reply', ['click', 'sees pending', 'click', 'resume'],                                          'cashed out once'),
  row('wallet cash-out, bank frozen at the deposit', 'wallet cash-out',      'bank',       'before the click',      'freeze',     ['click', 'sees pending', 'restart browser', 'resume'],                               'cashed out once'),
  row("merchant cash-out, merchant's CS killed",     'merchant cash-out',    'cs2',        'before the click',      'kill',       ['click', 'sees pending', 'resume'],                                                   'cashed out once'),
  row('merchant cash-out, deposit reply lost',       'merchant cash-out',    'bank',       'before the click',      'drop reply', ['click', 'sees pending', 'resume'],                                                   'cashed out once'),
];
