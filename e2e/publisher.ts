/**
 * The demo publisher the browser tests pay (merchant-kit's `startDemoPublisher`): it trusts the
 * federation's insurer, uses its bank, banks at cs2 unless `extra.cs` says otherwise, and logs
 * nothing unless `extra.log` is given.
 */

import { type DemoPublisher, type DemoPublisherOptions, startDemoPublisher } from '@netcash/demo';
import { silentLogger } from '@netcash/merchant-kit';
import type { Federation } from '@netcash/server';

export function startPublisher(
  federation: Pick<Federation, 'insurer' | 'bank' | 'cs'>,
  extra: Partial<DemoPublisherOptions> = {},
): Promise<DemoPublisher> {
  const cs = extra.cs ?? federation.cs[1]?.url;
  if (cs === undefined) throw new Error('this federation has no cs2: say which cs in extra.cs');
  return startDemoPublisher({
    cs,
    insurers: [federation.insurer.signKey],
    insurer: federation.insurer.url,
    bank: federation.bank.url,
    log: silentLogger(),
    ...extra,
  });
}
