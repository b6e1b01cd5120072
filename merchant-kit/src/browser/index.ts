/**
 * @netcash/merchant-kit/browser — the publisher's paywall in the page. Loading this script (the
 * built `netcash-paywall.js`) defines `<netcash-paywall>`; it also honours one `data-` script tag:
 *
 *   <script src="/netcash-paywall.js" data-resource="/articles/x" data-teaser="#teaser"></script>
 *
 * puts a paywall for `/articles/x` where the script is, wrapping the element `data-teaser` names.
 */
import { NetCashPaywall } from './paywall-element.ts';

export { WalletBridge } from './bridge-client.ts';
export {
  DEFAULT_INSTALL_URL,
  type ErrorDetail,
  formatPrice,
  NetCashPaywall,
  type PaidDetail,
  type ReadyDetail,
} from './paywall-element.ts';

export const ELEMENT_NAME = 'netcash-paywall';

if (typeof customElements !== 'undefined' && customElements.get(ELEMENT_NAME) === undefined) {
  customElements.define(ELEMENT_NAME, NetCashPaywall);
}

// The `data-` script tag form: only for a classic script (module scripts have no currentScript).
const script = typeof document === 'undefined' ? null : document.currentScript;
if (script instanceof HTMLScriptElement && script.dataset['resource'] !== undefined) {
  const element = document.createElement(ELEMENT_NAME);
  element.setAttribute('resource', script.dataset['resource']);
  for (const name of ['installUrl', 'autopay'] as const) {
    const value = script.dataset[name];
    if (value !== undefined) {
      element.setAttribute(name === 'installUrl' ? 'install-url' : 'autopay', value);
    }
  }
  const teaserSelector = script.dataset['teaser'];
  const teaser = teaserSelector === undefined ? null : document.querySelector(teaserSelector);
  if (teaser !== null) {
    teaser.replaceWith(element);
    element.append(teaser);
  } else script.after(element);
}
