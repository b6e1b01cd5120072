// A publisher's site with a NetCash paywall: plain Node, nothing to build.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createPaywall, nodePaywall } from '@netcash/merchant-kit';

const paywall = await createPaywall(JSON.parse(readFileSync('paywall.json', 'utf8')));
const pages = { '/': 'article.html', '/article/full': 'full.html' };
const site = (req, res) => {
  const file = pages[new URL(req.url, 'http://x').pathname];
  res.writeHead(file ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(file ? readFileSync(file) : 'not found');
};
createServer(nodePaywall(paywall, site)).listen(Number(process.env.PORT ?? 8080));
