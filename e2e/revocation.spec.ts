/**
 * Value survives a revocation, in the real wallet (docs/PROTOCOL.md §4.7): the insurer revokes
 * cs1's certificate while the shopper holds 5.00 NCD under it. The popup then shows the 5.00 as
 * being recovered (the wallet set the coins apart and journaled their recoup at cs1, and the
 * worker was stopped right there), and after the worker's next start the recovered balance.
 * And when the insurer withdraws a currency server altogether, the popup says until when its
 * coins are good. Each test has its own federation: revoking or withdrawing in the shared one
 * would change what the other specs see.
 */
import { startFederation } from '@netcash/server';
import { expect, test } from './fixtures.ts';

test('after a revocation the popup shows the value being recovered, then the recovered balance', async ({
  wallet,
}) => {
  const fed = await startFederation();
  try {
    await wallet.setup({ buy: 500, cs: 'cs1', federation: fed });
    const before = await wallet.popup();
    await expect(before.getByTestId('balance')).toHaveText('5.00 NCD');
    await expect(before.getByTestId('recovering')).toHaveCount(0);

    // The insurer's operator revokes cs1's certificate; cs1 replaces it at its maintenance.
    const revoked = await fetch(`${fed.insurer.url}/v1/admin/revocations`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fed.insurer.adminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ certId: fed.cs[0]!.certificate().body.certId, reason: 'e2e' }),
    });
    expect(revoked.status).toBe(200);
    await fed.cs[0]!.maintain();

    // A refresh (the popup's "Sort my coins into change now", or the upkeep alarm): the wallet
    // reads the revocation and journals the recoup — and the worker stops right after that,
    // before anything reaches cs1.
    await wallet.pauseAt('afterJournal', 'exchange');
    const trigger = await wallet.popup();
    void trigger
      .evaluate(() =>
        chrome.runtime.sendMessage({ channel: 'netcash/command', name: 'refresh', input: {} }),
      )
      .catch(() => undefined);
    // The popup reads the wallet once, when it opens: open it after the wallet has read the
    // revocation (the recoup journaled), not while the refresh may still be fetching the
    // insurer's lists — that race failed this test in about one run in three.
    await expect.poll(async () => (await wallet.state()).pending).toBe(1);
    const during = await wallet.popup();
    await expect(during.getByTestId('recovering')).toContainText('5.00 NCD being recovered');
    await expect(during.getByTestId('balance')).toHaveText('0.00 NCD');
    expect((await wallet.state()).balances[0]).toMatchObject({ spendable: 0, recovering: 500 });

    // The browser stops the worker; its next start re-drives the journaled recoup.
    await wallet.killServiceWorker();
    await wallet.command('recover', {});
    const after = await wallet.popup();
    await expect(after.getByTestId('balance')).toHaveText('5.00 NCD');
    await expect(after.getByTestId('recovering')).toHaveCount(0);
    await expect(after.getByTestId('history')).toContainText('Recovered');
    const report = await fed.audit();
    expect(report.cs.find((b) => b.csName === 'cs1')?.recouped).toBe(500);
    expect(report.problems).toEqual([]);
  } finally {
    await fed.stop();
  }
});

test('the popup tells the shopper when the insurer withdraws a currency server', async ({
  wallet,
}) => {
  const fed = await startFederation();
  try {
    await wallet.setup({ buy: 300, cs: 'cs2', federation: fed });
    const before = await wallet.popup();
    await expect(before.getByTestId('balance')).toHaveText('3.00 NCD');
    await expect(before.getByTestId('ending-cs2')).toHaveCount(0);

    // The insurer's operator ends cs2's insurance 40 days on; cs2 takes the certificate saying so.
    const insurer = fed.servers.insurer.insurer;
    const registration = (await insurer.registrations()).find((r) => r.csName === 'cs2')!;
    await insurer.register({ ...registration, ends: Math.floor(Date.now() / 1000) + 40 * 86_400 });
    await fed.cs[1]!.rotateKeys();

    await wallet.command('refreshTrust', {});
    const after = await wallet.popup();
    await expect(after.getByTestId('ending-cs2')).toContainText('The insurance of cs2 ends on');
    await expect(after.getByTestId('ending-cs2')).toContainText('cash out its coins');
    await expect(after.getByTestId('ending-cs1')).toHaveCount(0);
    await expect(after.getByTestId('balance')).toHaveText('3.00 NCD');
  } finally {
    await fed.stop();
  }
});
