/**
 * @netcash/demo — the demo of this repository: the demo publisher ("The NetCash Gazette",
 * publisher/), which e2e tests, benchmarks and screenshots start next to a federation, and
 * `netcash-demo` (`npm start`, cli/), `netcash up` with that publisher.
 */
export {
  ARTICLES,
  type Article,
  type DemoArticle,
  type DemoPublisher,
  type DemoPublisherOptions,
  startDemoPublisher,
} from './publisher/publisher.ts';
/** Its pages, for a site that shows the same articles without a paywall (bench:browser). */
export { articleFragment, articlePage, html } from './publisher/site.ts';
